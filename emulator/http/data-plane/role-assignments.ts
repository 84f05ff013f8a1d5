import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { Guid } from "../../../model/managed-hsm";
import { DATA_ACTIONS as A, DATA_PLANE_ROLES, type RoleDefinition, findRole } from "../../../model/roles";
import type { RoleAssignment } from "../../domain/access";
import { badRequest, notFound } from "../../domain/errors";
import type { AccessService } from "../../services/access-service";
import type { HsmService } from "../../services/hsm-service";
import { principalFilter } from "../control-plane/role-assignments";
import type { RouteConfig, RouteSpec } from "../routing";
import { DATA_PLANE_PREFIX } from "../urls";
import { param, parseBody } from "../validate";

const AUTHZ = "/providers/Microsoft.Authorization";
const HSM = `${DATA_PLANE_PREFIX}/:hsm`;
/** Local RBAC scopes: `/`, `/keys`, `/keys/{name}` (Azure's clients send `//providers/...` for `/`). */
const SCOPES: { prefix: string; scope: (request: FastifyRequest) => string }[] = [
  { prefix: HSM, scope: () => "/" },
  { prefix: `${HSM}/keys`, scope: () => "/keys" },
  { prefix: `${HSM}/keys/:keyName`, scope: (request) => `/keys/${param(request.params, "keyName")}` },
];

const AssignmentBody = z.object({
  properties: z.object({
    roleDefinitionId: z.string({ message: "is required" }).min(1, "is required"),
    principalId: Guid,
  }),
});

const definitionId = (roleId: string) => `Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;

function presentAssignment(a: RoleAssignment) {
  return {
    id: `${a.scope === "/" ? "" : a.scope}${AUTHZ}/roleAssignments/${a.name}`,
    name: a.name,
    type: "Microsoft.Authorization/roleAssignments",
    properties: { scope: a.scope, roleDefinitionId: definitionId(a.roleDefinitionId), principalId: a.principalId },
  };
}

function presentDefinition(role: RoleDefinition) {
  return {
    id: definitionId(role.id),
    name: role.id,
    type: "Microsoft.Authorization/roleDefinitions",
    properties: {
      roleName: role.name,
      description: role.description,
      type: "AKVBuiltInRole",
      permissions: [{ actions: role.actions, notActions: role.notActions, dataActions: role.dataActions, notDataActions: role.notDataActions }],
      assignableScopes: ["/"],
    },
  };
}

function assignmentName(request: FastifyRequest): string {
  const name = param(request.params, "assignmentName");
  if (!Guid.safeParse(name).success) throw badRequest(`The role assignment name '${name}' is not valid; it must be a GUID.`, "BadParameter");
  return name;
}

/** An HSM's local RBAC: role assignments and built-in role definitions, on the HSM's own host. */
export function dataRoleAssignmentRoutes(access: AccessService, hsms: HsmService): RouteSpec[] {
  /** The HSM must be reachable, as for every data-plane call. */
  const hsmName = (request: FastifyRequest) => hsms.openDataPlane(param(request.params, "hsm")).hsm.name;
  return SCOPES.flatMap(({ prefix, scope }): RouteSpec[] => {
    const config = (action: string): RouteConfig => ({ plane: "data", action, scope });
    return [
      {
        method: "PUT",
        url: `${prefix}${AUTHZ}/roleAssignments/:assignmentName`,
        config: config(A.roleAssignmentWrite),
        handler: (request, reply) => {
          const body = parseBody(AssignmentBody, request.body, "data");
          const { assignment, created } = access.put("data", hsmName(request), { scope: scope(request), name: assignmentName(request), ...body.properties, principalType: "User" });
          return reply.code(created ? 201 : 200).send(presentAssignment(assignment));
        },
      },
      {
        method: "GET",
        url: `${prefix}${AUTHZ}/roleAssignments/:assignmentName`,
        config: config(A.roleAssignmentRead),
        handler: (request) => presentAssignment(access.get("data", hsmName(request), assignmentName(request), scope(request))),
      },
      {
        method: "DELETE",
        url: `${prefix}${AUTHZ}/roleAssignments/:assignmentName`,
        config: config(A.roleAssignmentDelete),
        handler: (request) => {
          const name = assignmentName(request);
          const deleted = access.delete("data", hsmName(request), name, scope(request));
          if (!deleted) throw notFound("RoleAssignmentNotFound", `The role assignment '${name}' is not found at scope '${scope(request)}'.`);
          return presentAssignment(deleted);
        },
      },
      {
        method: "GET",
        url: `${prefix}${AUTHZ}/roleAssignments`,
        config: config(A.roleAssignmentRead),
        handler: (request) => ({ value: access.list("data", hsmName(request), scope(request), principalFilter(request)).map(presentAssignment), nextLink: null }),
      },
      {
        method: "GET",
        url: `${prefix}${AUTHZ}/roleDefinitions`,
        config: config(A.roleDefinitionRead),
        handler: (request) => {
          hsmName(request);
          return { value: DATA_PLANE_ROLES.map(presentDefinition), nextLink: null };
        },
      },
      {
        method: "GET",
        url: `${prefix}${AUTHZ}/roleDefinitions/:roleId`,
        config: config(A.roleDefinitionRead),
        handler: (request) => {
          hsmName(request);
          const role = findRole("data", param(request.params, "roleId"));
          if (!role) throw notFound("RoleDefinitionNotFound", `The role definition '${param(request.params, "roleId")}' does not exist.`);
          return presentDefinition(role);
        },
      },
    ];
  });
}
