import { ARM_PAGE } from "../../../model/limits";
import { CheckNameRequest } from "../../../model/managed-hsm";
import type { HsmService } from "../../services/hsm-service";
import { nextLink, readPage } from "../paging";
import type { RouteSpec } from "../routing";
import { CONTROL_ACTIONS as A } from "../../../model/roles";
import type { EmulatorUrls } from "../urls";
import { param, parseBody } from "../validate";
import { accepted } from "./lro";
import { PROVIDER, subscriptionOf } from "./managed-hsms";
import { presentDeletedHsm, presentHsm } from "./present";

const DELETED = `${PROVIDER}/locations/:location/deletedManagedHSMs/:name`;

/** Soft-deleted HSMs (list, show, purge), long-running operation results, and name availability. */
export function deletedManagedHsmRoutes(hsms: HsmService, urls: EmulatorUrls): RouteSpec[] {
  return [
    {
      method: "GET",
      url: `${PROVIDER}/deletedManagedHSMs`,
      config: { plane: "control", action: A.deletedHsmList },
      handler: (request) => {
        const page = readPage(request, "$top", ARM_PAGE, "BadRequest");
        const { items, more } = hsms.listDeleted(subscriptionOf(request), page.skip, page.top);
        return { value: items.map(presentDeletedHsm), nextLink: nextLink(request, page, more, "$top") };
      },
    },
    {
      method: "GET",
      url: DELETED,
      config: { plane: "control", action: A.deletedHsmRead },
      handler: (request) => {
        const { state } = hsms.getDeleted(subscriptionOf(request), param(request.params, "location"), param(request.params, "name"));
        return presentDeletedHsm(state);
      },
    },
    {
      method: "POST",
      url: `${DELETED}/purge`,
      config: { plane: "control", action: A.deletedHsmPurge },
      handler: (request, reply) => {
        const result = hsms.purge(subscriptionOf(request), param(request.params, "location"), param(request.params, "name"));
        return accepted(request, reply, result.operation, result.now);
      },
    },
    {
      method: "GET",
      url: `${PROVIDER}/locations/:location/managedHsmOperationResults/:operationId`,
      config: { plane: "control", action: A.operationRead },
      handler: (request, reply) => {
        const { operation, state, now } = hsms.operation(subscriptionOf(request), param(request.params, "operationId"));
        if (now < operation.readyAt) return accepted(request, reply, operation, now, { status: "InProgress" });
        const producesResource = operation.kind === "create" || operation.kind === "update" || operation.kind === "recover";
        if (producesResource && state && state.lifecycle.state === "active") return presentHsm(state, now, urls);
        return reply.code(200).send();
      },
    },
    {
      method: "POST",
      url: `${PROVIDER}/checkMhsmNameAvailability`,
      config: { plane: "control", action: A.checkName },
      handler: (request) => {
        subscriptionOf(request);
        return hsms.checkName(parseBody(CheckNameRequest, request.body, "control").name);
      },
    },
  ];
}
