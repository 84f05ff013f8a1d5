import { createHash } from "node:crypto";
import { type RolePlane, findRole, permits, rolesOf, scopeCovers } from "../../model/roles";

/**
 * Who may do what: role assignments on either plane, and the one rule that decides a request. A control
 * plane assignment lives at a subscription, resource group or HSM scope; a data-plane one lives inside an
 * HSM at `/`, `/keys` or `/keys/{name}`.
 */
export interface RoleAssignment {
  plane: RolePlane;
  /** The HSM a data-plane assignment belongs to; empty on the control plane. */
  hsmName: string;
  name: string;
  scope: string;
  /** The role's bare id (a GUID). */
  roleDefinitionId: string;
  principalId: string;
  principalType: string;
  createdAt: number;
}

/** Whether any of the principal's assignments grants `action` at `scope`. */
export function isAllowed(assignments: readonly RoleAssignment[], action: string, scope: string): boolean {
  return assignments.some((a) => {
    const role = findRole(a.plane, a.roleDefinitionId);
    return role !== undefined && scopeCovers(a.scope, scope) && permits(role, action, a.plane === "control" ? "action" : "dataAction");
  });
}

/** The built-in roles that would grant `action`, to name in a refusal. */
export function rolesGranting(plane: RolePlane, action: string): string[] {
  return rolesOf(plane)
    .filter((r) => permits(r, action, plane === "control" ? "action" : "dataAction"))
    .map((r) => r.name);
}

/** A stable GUID from a text, so seeded and initial assignments keep their names across restarts. */
export function stableGuid(text: string): string {
  const h = createHash("sha256").update(text).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const ADMINISTRATOR = "a290e904-7015-4bba-90c8-60543313cdb4";

/** An HSM's `initialAdminObjectIds` hold Managed HSM Administrator at `/` from the moment it is provisioned. */
export function initialAdministrators(hsm: { name: string; instanceId: string; initialAdminObjectIds: readonly string[] }, now: number): RoleAssignment[] {
  return hsm.initialAdminObjectIds.map((oid) => ({
    plane: "data",
    hsmName: hsm.name,
    name: stableGuid(`${hsm.instanceId}/initial-admin/${oid.toLowerCase()}`),
    scope: "/",
    roleDefinitionId: ADMINISTRATOR,
    principalId: oid,
    principalType: "User",
    createdAt: now,
  }));
}
