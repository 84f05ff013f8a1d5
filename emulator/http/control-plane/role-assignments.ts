import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { AUTHORIZATION_API_VERSIONS } from "../../../model/api-versions";
import { Guid } from "../../../model/managed-hsm";
import { CONTROL_ACTIONS as A, CONTROL_PLANE_ROLES, type RoleDefinition, findRole } from "../../../model/roles";
import type { RoleAssignment } from "../../domain/access";
import { badRequest, notFound } from "../../domain/errors";
import type { AccessService } from "../../services/access-service";
import type { RouteConfig, RouteSpec } from "../routing";
import { param, parseBody, query } from "../validate";

const AUTHZ = "/providers/Microsoft.Authorization";
/** Scopes a control-plane role assignment can live at: the root, a subscription, a resource group, an HSM. */
const SCOPE_PREFIXES = [
  "",
  "/subscriptions/:subscriptionId",
  "/subscriptions/:subscriptionId/resourceGroups/:resourceGroupName",
  "/subscriptions/:subscriptionId/resourceGroups/:resourceGroupName/providers/Microsoft.KeyVault/managedHSMs/:name",
];

const AssignmentBody = z.object({
  properties: z.object({
    roleDefinitionId: z.string({ message: "is required" }).min(1, "is required"),
    principalId: Guid,
    principalType: z.enum(["User", "Group", "ServicePrincipal", "ForeignGroup", "Device"]).optional(),
  }),
});

/** The scope is the request path before `/providers/Microsoft.Authorization`. */
function scopeOf(request: FastifyRequest): string {
  const path = (request.originalUrl ?? request.url).split("?")[0]!;
  const at = path.toLowerCase().indexOf(AUTHZ.toLowerCase());
  return at <= 0 ? "/" : path.slice(0, at);
}

function definitionId(scope: string, roleId: string): string {
  const sub = /^\/subscriptions\/[^/]+/i.exec(scope)?.[0] ?? "";
  return `${sub}${AUTHZ}/roleDefinitions/${roleId}`;
}

function presentAssignment(a: RoleAssignment) {
  const iso = new Date(a.createdAt).toISOString();
  return {
    id: `${a.scope === "/" ? "" : a.scope}${AUTHZ}/roleAssignments/${a.name}`,
    name: a.name,
    type: "Microsoft.Authorization/roleAssignments",
    properties: {
      roleDefinitionId: definitionId(a.scope, a.roleDefinitionId),
      principalId: a.principalId,
      principalType: a.principalType,
      scope: a.scope,
      createdOn: iso,
      updatedOn: iso,
    },
  };
}

function presentDefinition(scope: string, role: RoleDefinition) {
  return {
    id: definitionId(scope, role.id),
    name: role.id,
    type: "Microsoft.Authorization/roleDefinitions",
    properties: {
      roleName: role.name,
      type: "BuiltInRole",
      description: role.description,
      assignableScopes: ["/"],
      permissions: [{ actions: role.actions, notActions: role.notActions, dataActions: role.dataActions, notDataActions: role.notDataActions }],
    },
  };
}

function assignmentName(request: FastifyRequest): string {
  const name = param(request.params, "assignmentName");
  if (!Guid.safeParse(name).success) throw badRequest(`The role assignment name '${name}' is not valid; it must be a GUID.`, "InvalidRoleAssignmentId");
  return name;
}

/** `$filter=principalId eq '{id}'`, the filter Azure's clients send; others are ignored. */
export function principalFilter(request: FastifyRequest): string | undefined {
  const filter = query(request, "$filter");
  return filter ? /principalId\s+eq\s+'?([0-9a-fA-F-]{36})'?/i.exec(filter)?.[1] : undefined;
}

/** Azure RBAC on the control plane: Microsoft.Authorization role assignments and built-in role definitions. */
export function controlRoleAssignmentRoutes(access: AccessService): RouteSpec[] {
  const config = (action: string): RouteConfig => ({ plane: "control", action, scope: scopeOf, apiVersions: AUTHORIZATION_API_VERSIONS });
  return SCOPE_PREFIXES.flatMap((prefix): RouteSpec[] => [
    {
      method: "PUT",
      url: `${prefix}${AUTHZ}/roleAssignments/:assignmentName`,
      config: config(A.roleAssignmentWrite),
      handler: (request, reply) => {
        const body = parseBody(AssignmentBody, request.body, "control");
        const { assignment, created } = access.put("control", "", { scope: scopeOf(request), name: assignmentName(request), ...body.properties });
        return reply.code(created ? 201 : 200).send(presentAssignment(assignment));
      },
    },
    {
      method: "GET",
      url: `${prefix}${AUTHZ}/roleAssignments/:assignmentName`,
      config: config(A.roleAssignmentRead),
      handler: (request) => presentAssignment(access.get("control", "", assignmentName(request), scopeOf(request))),
    },
    {
      method: "DELETE",
      url: `${prefix}${AUTHZ}/roleAssignments/:assignmentName`,
      config: config(A.roleAssignmentDelete),
      handler: (request, reply) => {
        const deleted = access.delete("control", "", assignmentName(request), scopeOf(request));
        return deleted ? presentAssignment(deleted) : reply.code(204).send();
      },
    },
    {
      method: "GET",
      url: `${prefix}${AUTHZ}/roleAssignments`,
      config: config(A.roleAssignmentRead),
      handler: (request) => ({ value: access.list("control", "", scopeOf(request), principalFilter(request)).map(presentAssignment) }),
    },
    {
      method: "GET",
      url: `${prefix}${AUTHZ}/roleDefinitions`,
      config: config(A.roleDefinitionRead),
      handler: (request) => {
        const byName = /roleName\s+eq\s+'([^']+)'/i.exec(query(request, "$filter") ?? "")?.[1];
        const roles = byName ? CONTROL_PLANE_ROLES.filter((r) => r.name.toLowerCase() === byName.toLowerCase()) : CONTROL_PLANE_ROLES;
        return { value: roles.map((r) => presentDefinition(scopeOf(request), r)) };
      },
    },
    {
      method: "GET",
      url: `${prefix}${AUTHZ}/roleDefinitions/:roleId`,
      config: config(A.roleDefinitionRead),
      handler: (request) => {
        const role = findRole("control", param(request.params, "roleId"));
        if (!role) throw notFound("RoleDefinitionDoesNotExist", `The role definition '${param(request.params, "roleId")}' does not exist.`);
        return presentDefinition(scopeOf(request), role);
      },
    },
  ]);
}
