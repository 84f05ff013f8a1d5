import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { DATA_ACTIONS as A } from "../../../model/roles";
import { DATA_PLANE_PAGE } from "../../../model/limits";
import { KeyAttributesInput, KeyCreateBody, KeyUpdateBody } from "../../../model/keys";
import { Tags } from "../../../model/managed-hsm";
import { keyNameProblem } from "../../../model/names";
import { badRequest } from "../../domain/errors";
import type { KeyService, KeyView } from "../../services/key-service";
import { nextLink, readPage } from "../paging";
import type { RouteConfig, RouteSpec } from "../routing";
import { DATA_PLANE_PREFIX, type EmulatorUrls } from "../urls";
import { param, parseBody } from "../validate";
import { presentDeletedKeyBundle, presentDeletedKeyItem, presentKeyBundle, presentKeyItem, presentVersionItem } from "./present";

const HSM = `${DATA_PLANE_PREFIX}/:hsm`;
const KEYS = `${HSM}/keys`;
const DELETED = `${HSM}/deletedkeys`;

const KeyImportBody = z.object({
  key: z.record(z.string(), z.unknown(), { message: "must be a JSON web key object" }),
  hsm: z.boolean().optional(),
  attributes: KeyAttributesInput.optional(),
  tags: Tags.optional(),
});

function keyName(params: unknown): string {
  const name = param(params, "name");
  const problem = keyNameProblem(name);
  if (problem) throw badRequest(`The key name ${problem}.`, "BadParameter");
  return name;
}

/** Data-plane scopes: `/keys/{name}` for one key (deleted or not), `/keys` for lists. */
const keyScope = (request: FastifyRequest) => `/keys/${param(request.params, "name")}`;
const keysScope = () => "/keys";
const data = (action: string, scope: (request: FastifyRequest) => string = keyScope): RouteConfig => ({ plane: "data", action, scope });

/** Keys and deleted keys of one HSM, on that HSM's host. */
export function keyRoutes(keys: KeyService, urls: EmulatorUrls): RouteSpec[] {
  const bundle = (v: KeyView) => presentKeyBundle(urls, v.hsm, v.key, v.version);
  /** One page of a data-plane list, in Key Vault's `{value, nextLink}` shape. */
  const listed = <R extends { items: unknown[]; more: boolean }>(
    request: FastifyRequest,
    fetch: (hsm: string, skip: number, top: number) => R,
    present: (item: R["items"][number], result: R) => unknown,
  ) => {
    const p = readPage(request, "maxresults", DATA_PLANE_PAGE, "BadParameter");
    const result = fetch(param(request.params, "hsm"), p.skip, p.top);
    return { value: result.items.map((item) => present(item, result)), nextLink: nextLink(request, p, result.more, "maxresults") ?? null };
  };
  return [
    {
      method: "POST",
      url: `${KEYS}/:name/create`,
      config: data(A.keyCreate),
      handler: async (request) =>
        bundle(await keys.create(param(request.params, "hsm"), keyName(request.params), parseBody(KeyCreateBody, request.body, "data"))),
    },
    {
      method: "PUT",
      url: `${KEYS}/:name`,
      config: data(A.keyImport),
      handler: async (request) => {
        const body = parseBody(KeyImportBody, request.body, "data");
        return bundle(await keys.import(param(request.params, "hsm"), keyName(request.params), body.key, body));
      },
    },
    {
      method: "POST",
      url: `${KEYS}/:name/rotate`,
      config: data(A.keyRotate),
      handler: async (request) => bundle(await keys.rotate(param(request.params, "hsm"), keyName(request.params))),
    },
    {
      method: "GET",
      url: `${KEYS}/:name`,
      config: data(A.keyRead),
      handler: (request) => bundle(keys.get(param(request.params, "hsm"), keyName(request.params))),
    },
    {
      method: "GET",
      url: `${KEYS}/:name/:version`,
      config: data(A.keyRead),
      handler: (request) => bundle(keys.get(param(request.params, "hsm"), keyName(request.params), param(request.params, "version"))),
    },
    {
      method: "PATCH",
      url: `${KEYS}/:name`,
      config: data(A.keyWrite),
      handler: (request) =>
        bundle(keys.update(param(request.params, "hsm"), keyName(request.params), undefined, parseBody(KeyUpdateBody, request.body, "data"))),
    },
    {
      method: "PATCH",
      url: `${KEYS}/:name/:version`,
      config: data(A.keyWrite),
      handler: (request) =>
        bundle(
          keys.update(param(request.params, "hsm"), keyName(request.params), param(request.params, "version"), parseBody(KeyUpdateBody, request.body, "data")),
        ),
    },
    {
      method: "DELETE",
      url: `${KEYS}/:name`,
      config: data(A.keyDelete),
      handler: (request) => {
        const v = keys.delete(param(request.params, "hsm"), keyName(request.params));
        return presentDeletedKeyBundle(urls, v.hsm, v.key);
      },
    },
    {
      method: "GET",
      url: KEYS,
      config: data(A.keyRead, keysScope),
      handler: (request) => listed(request, (hsm, skip, top) => keys.list(hsm, skip, top), (k, r) => presentKeyItem(urls, r.hsm, k)),
    },
    {
      method: "GET",
      url: `${KEYS}/:name/versions`,
      config: data(A.keyRead),
      handler: (request) =>
        listed(request, (hsm, skip, top) => keys.listVersions(hsm, keyName(request.params), skip, top), (v, r) => presentVersionItem(urls, r.hsm, r.key, v)),
    },
    {
      method: "GET",
      url: DELETED,
      config: data(A.deletedKeyRead, keysScope),
      handler: (request) => listed(request, (hsm, skip, top) => keys.listDeleted(hsm, skip, top), (k, r) => presentDeletedKeyItem(urls, r.hsm, k)),
    },
    {
      method: "GET",
      url: `${DELETED}/:name`,
      config: data(A.deletedKeyRead),
      handler: (request) => {
        const v = keys.getDeleted(param(request.params, "hsm"), keyName(request.params));
        return presentDeletedKeyBundle(urls, v.hsm, v.key);
      },
    },
    {
      method: "POST",
      url: `${DELETED}/:name/recover`,
      config: data(A.deletedKeyRecover),
      handler: (request) => bundle(keys.recover(param(request.params, "hsm"), keyName(request.params))),
    },
    {
      method: "DELETE",
      url: `${DELETED}/:name`,
      config: data(A.deletedKeyPurge),
      handler: (request, reply) => {
        keys.purge(param(request.params, "hsm"), keyName(request.params));
        return reply.code(204).send();
      },
    },
  ];
}
