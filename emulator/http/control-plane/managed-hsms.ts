import type { FastifyRequest } from "fastify";
import { ARM_PAGE } from "../../../model/limits";
import { ManagedHsmPatchBody, ManagedHsmPutBody } from "../../../model/managed-hsm";
import { RESOURCE_GROUP_PATTERN, SUBSCRIPTION_ID_PATTERN, hsmNameProblem } from "../../../model/names";
import { badRequest } from "../../domain/errors";
import type { HsmAddress } from "../../domain/managed-hsm";
import type { HsmService } from "../../services/hsm-service";
import { nextLink, readPage } from "../paging";
import type { RouteSpec } from "../routing";
import { CONTROL_ACTIONS as A } from "../../../model/roles";
import type { EmulatorUrls } from "../urls";
import { param, parseBody } from "../validate";
import { accepted } from "./lro";
import { presentHsm } from "./present";

export const PROVIDER = "/subscriptions/:subscriptionId/providers/Microsoft.KeyVault";
const RG_PROVIDER = "/subscriptions/:subscriptionId/resourceGroups/:resourceGroupName/providers/Microsoft.KeyVault";
const HSM = `${RG_PROVIDER}/managedHSMs/:name`;

export function subscriptionOf(request: FastifyRequest): string {
  const sub = param(request.params, "subscriptionId");
  if (!SUBSCRIPTION_ID_PATTERN.test(sub)) {
    throw badRequest(`The provided subscription identifier '${sub}' is malformed or invalid.`, "InvalidSubscriptionId");
  }
  return sub;
}

function resourceGroupOf(request: FastifyRequest): string {
  const rg = param(request.params, "resourceGroupName");
  if (!RESOURCE_GROUP_PATTERN.test(rg)) {
    throw badRequest(
      `Resource group name '${rg}' is invalid: use 1 to 90 letters, digits, underscores, hyphens, periods and parentheses, not ending in a period.`,
      "InvalidResourceGroupName",
    );
  }
  return rg;
}

function addressOf(request: FastifyRequest): HsmAddress {
  return { subscriptionId: subscriptionOf(request), resourceGroup: resourceGroupOf(request), name: param(request.params, "name") };
}

export function managedHsmRoutes(hsms: HsmService, urls: EmulatorUrls): RouteSpec[] {
  const control = (action: string) => ({ plane: "control" as const, action });
  return [
    {
      method: "PUT",
      url: HSM,
      config: control(A.hsmWrite),
      handler: (request, reply) => {
        const address = addressOf(request);
        const problem = hsmNameProblem(address.name);
        if (problem) throw badRequest(`The managed HSM name ${problem}.`);
        const result = hsms.put(address, parseBody(ManagedHsmPutBody, request.body, "control"));
        const body = result.state ? presentHsm(result.state, result.now, urls) : undefined;
        return result.done ? reply.code(200).send(body) : accepted(request, reply, result.operation, result.now, body);
      },
    },
    {
      method: "PATCH",
      url: HSM,
      config: control(A.hsmWrite),
      handler: (request, reply) => {
        const result = hsms.patch(addressOf(request), parseBody(ManagedHsmPatchBody, request.body, "control"));
        const body = result.state ? presentHsm(result.state, result.now, urls) : undefined;
        return result.done ? reply.code(200).send(body) : accepted(request, reply, result.operation, result.now, body);
      },
    },
    {
      method: "GET",
      url: HSM,
      config: control(A.hsmRead),
      handler: (request) => {
        const { state, now } = hsms.get(addressOf(request));
        return presentHsm(state, now, urls);
      },
    },
    {
      method: "DELETE",
      url: HSM,
      config: control(A.hsmDelete),
      handler: (request, reply) => {
        const result = hsms.delete(addressOf(request));
        if (!result) return reply.code(204).send();
        return result.done ? reply.code(200).send() : accepted(request, reply, result.operation, result.now);
      },
    },
    {
      method: "GET",
      url: `${RG_PROVIDER}/managedHSMs`,
      config: control(A.hsmRead),
      handler: (request) => {
        const page = readPage(request, "$top", ARM_PAGE, "BadRequest");
        const { items, more, now } = hsms.list(subscriptionOf(request), resourceGroupOf(request), page.skip, page.top);
        return { value: items.map((s) => presentHsm(s, now, urls)), nextLink: nextLink(request, page, more, "$top") };
      },
    },
    {
      method: "GET",
      url: `${PROVIDER}/managedHSMs`,
      config: control(A.hsmRead),
      handler: (request) => {
        const page = readPage(request, "$top", ARM_PAGE, "BadRequest");
        const { items, more, now } = hsms.list(subscriptionOf(request), undefined, page.skip, page.top);
        return { value: items.map((s) => presentHsm(s, now, urls)), nextLink: nextLink(request, page, more, "$top") };
      },
    },
  ];
}
