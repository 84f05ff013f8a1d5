import { z } from "zod";
import { DATA_PLANE_PAGE } from "../../../model/limits";
import { KeyAttributesInput, KeyCreateBody, KeyUpdateBody } from "../../../model/keys";
import { Tags } from "../../../model/managed-hsm";
import { keyNameProblem } from "../../../model/names";
import { badRequest } from "../../domain/errors";
import type { KeyService, KeyView } from "../../services/key-service";
import { nextLink, readPage } from "../paging";
import type { RouteSpec } from "../routing";
import { DATA_PLANE_PREFIX, type EmulatorUrls } from "../urls";
import { param, parseBody } from "../validate";
import { presentDeletedKeyBundle, presentDeletedKeyItem, presentKeyBundle, presentKeyItem, presentVersionItem } from "./present";

const HSM = `${DATA_PLANE_PREFIX}/:hsm`;
const KEYS = `${HSM}/keys`;
const DELETED = `${HSM}/deletedkeys`;
const ACTION = "Microsoft.KeyVault/managedHsm/keys";

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

const data = (action: string) => ({ plane: "data" as const, action: `${ACTION}/${action}` });

/** Keys and deleted keys of one HSM, on that HSM's host. */
export function keyRoutes(keys: KeyService, urls: EmulatorUrls): RouteSpec[] {
  const bundle = (v: KeyView) => presentKeyBundle(urls, v.hsm, v.key, v.version);
  const page = (request: Parameters<typeof readPage>[0]) => readPage(request, "maxresults", DATA_PLANE_PAGE, "BadParameter");
  return [
    {
      method: "POST",
      url: `${KEYS}/:name/create`,
      config: data("write/action"),
      handler: async (request) =>
        bundle(await keys.create(param(request.params, "hsm"), keyName(request.params), parseBody(KeyCreateBody, request.body, "data"))),
    },
    {
      method: "PUT",
      url: `${KEYS}/:name`,
      config: data("import/action"),
      handler: async (request) => {
        const body = parseBody(KeyImportBody, request.body, "data");
        return bundle(await keys.import(param(request.params, "hsm"), keyName(request.params), body.key, body));
      },
    },
    {
      method: "POST",
      url: `${KEYS}/:name/rotate`,
      config: data("rotate/action"),
      handler: async (request) => bundle(await keys.rotate(param(request.params, "hsm"), keyName(request.params))),
    },
    {
      method: "GET",
      url: `${KEYS}/:name`,
      config: data("read/action"),
      handler: (request) => bundle(keys.get(param(request.params, "hsm"), keyName(request.params))),
    },
    {
      method: "GET",
      url: `${KEYS}/:name/:version`,
      config: data("read/action"),
      handler: (request) => bundle(keys.get(param(request.params, "hsm"), keyName(request.params), param(request.params, "version"))),
    },
    {
      method: "PATCH",
      url: `${KEYS}/:name`,
      config: data("write/action"),
      handler: (request) =>
        bundle(keys.update(param(request.params, "hsm"), keyName(request.params), undefined, parseBody(KeyUpdateBody, request.body, "data"))),
    },
    {
      method: "PATCH",
      url: `${KEYS}/:name/:version`,
      config: data("write/action"),
      handler: (request) =>
        bundle(
          keys.update(param(request.params, "hsm"), keyName(request.params), param(request.params, "version"), parseBody(KeyUpdateBody, request.body, "data")),
        ),
    },
    {
      method: "DELETE",
      url: `${KEYS}/:name`,
      config: data("delete"),
      handler: (request) => {
        const v = keys.delete(param(request.params, "hsm"), keyName(request.params));
        return presentDeletedKeyBundle(urls, v.hsm, v.key);
      },
    },
    {
      method: "GET",
      url: KEYS,
      config: data("read/action"),
      handler: (request) => {
        const p = page(request);
        const { hsm, items, more } = keys.list(param(request.params, "hsm"), p.skip, p.top);
        return { value: items.map((k) => presentKeyItem(urls, hsm, k)), nextLink: nextLink(request, p, more, "maxresults") ?? null };
      },
    },
    {
      method: "GET",
      url: `${KEYS}/:name/versions`,
      config: data("read/action"),
      handler: (request) => {
        const p = page(request);
        const { hsm, key, items, more } = keys.listVersions(param(request.params, "hsm"), keyName(request.params), p.skip, p.top);
        return { value: items.map((v) => presentVersionItem(urls, hsm, key, v)), nextLink: nextLink(request, p, more, "maxresults") ?? null };
      },
    },
    {
      method: "GET",
      url: DELETED,
      config: data("deletedKeys/read/action"),
      handler: (request) => {
        const p = page(request);
        const { hsm, items, more } = keys.listDeleted(param(request.params, "hsm"), p.skip, p.top);
        return { value: items.map((k) => presentDeletedKeyItem(urls, hsm, k)), nextLink: nextLink(request, p, more, "maxresults") ?? null };
      },
    },
    {
      method: "GET",
      url: `${DELETED}/:name`,
      config: data("deletedKeys/read/action"),
      handler: (request) => {
        const v = keys.getDeleted(param(request.params, "hsm"), keyName(request.params));
        return presentDeletedKeyBundle(urls, v.hsm, v.key);
      },
    },
    {
      method: "POST",
      url: `${DELETED}/:name/recover`,
      config: data("deletedKeys/recover/action"),
      handler: (request) => bundle(keys.recover(param(request.params, "hsm"), keyName(request.params))),
    },
    {
      method: "DELETE",
      url: `${DELETED}/:name`,
      config: data("deletedKeys/delete"),
      handler: (request, reply) => {
        keys.purge(param(request.params, "hsm"), keyName(request.params));
        return reply.code(204).send();
      },
    },
  ];
}
