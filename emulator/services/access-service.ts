import { type RolePlane, findRole, scopeCovers } from "../../model/roles";
import { type RoleAssignment, isAllowed, stableGuid } from "../domain/access";
import { badRequest, conflict, notFound } from "../domain/errors";
import type { Directory } from "../identity/principals";
import type { Store } from "../persistence/store";
import type { Clock } from "./clock";

export interface AssignmentRequest {
  scope: string;
  name: string;
  roleDefinitionId: string;
  principalId: string;
  principalType?: string | undefined;
}

const DATA_SCOPE = /^\/(keys(\/[0-9a-zA-Z-]+)?)?$/i;

/** Role assignments of both planes, and the decision whether a principal may perform an action. */
export class AccessService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Writes the principals file's control-plane assignments; stable names make this idempotent. */
  seed(directory: Directory): void {
    this.store.transaction(() => {
      for (const p of directory.principals) {
        for (const seed of p.roleAssignments) {
          const role = findRole("control", seed.role)!;
          this.store.roleAssignments.put({
            plane: "control",
            hsmName: "",
            name: stableGuid(`seed/${p.objectId.toLowerCase()}/${role.id}/${seed.scope.toLowerCase()}`),
            scope: seed.scope,
            roleDefinitionId: role.id,
            principalId: p.objectId,
            principalType: "ServicePrincipal",
            createdAt: this.clock.now(),
          });
        }
      }
    });
  }

  controlAllowed(principalId: string, action: string, scope: string): boolean {
    return isAllowed(this.store.roleAssignments.forPrincipal("control", "", principalId), action, scope);
  }

  dataAllowed(hsmName: string, principalId: string, action: string, scope: string): boolean {
    return isAllowed(this.store.roleAssignments.forPrincipal("data", hsmName, principalId), action, scope);
  }

  private validate(plane: RolePlane, request: AssignmentRequest): string {
    const role = findRole(plane, request.roleDefinitionId);
    if (!role) {
      throw badRequest(
        `The role definition '${request.roleDefinitionId}' does not exist; use a built-in ${plane === "control" ? "control-plane" : "Managed HSM"} role.`,
        plane === "control" ? "RoleDefinitionDoesNotExist" : "BadParameter",
      );
    }
    if (plane === "data" && !DATA_SCOPE.test(request.scope)) {
      throw badRequest(`The scope '${request.scope}' is not valid; Managed HSM role assignments take '/', '/keys' or '/keys/{name}'.`, "BadParameter");
    }
    return role.id;
  }

  /** Create (or re-put unchanged) an assignment; a different assignment under the same name is a conflict. */
  put(plane: RolePlane, hsmName: string, request: AssignmentRequest): { assignment: RoleAssignment; created: boolean } {
    const roleId = this.validate(plane, request);
    return this.store.transaction(() => {
      const existing = this.store.roleAssignments.get(plane, hsmName, request.name);
      if (existing) {
        const same =
          existing.roleDefinitionId === roleId &&
          existing.principalId.toLowerCase() === request.principalId.toLowerCase() &&
          existing.scope.toLowerCase() === request.scope.toLowerCase();
        if (!same) throw conflict(plane === "control" ? "RoleAssignmentUpdateNotPermitted" : "Conflict", `The role assignment '${request.name}' exists already with other properties; role assignments can't be updated, delete it first.`);
        return { assignment: existing, created: false };
      }
      const duplicate = this.store.roleAssignments
        .forPrincipal(plane, hsmName, request.principalId)
        .find((a) => a.roleDefinitionId === roleId && a.scope.toLowerCase() === request.scope.toLowerCase());
      if (duplicate) throw conflict(plane === "control" ? "RoleAssignmentExists" : "Conflict", `The role assignment already exists as '${duplicate.name}'.`);
      const assignment: RoleAssignment = {
        plane,
        hsmName,
        name: request.name,
        scope: request.scope,
        roleDefinitionId: roleId,
        principalId: request.principalId,
        principalType: request.principalType ?? "ServicePrincipal",
        createdAt: this.clock.now(),
      };
      this.store.roleAssignments.put(assignment);
      return { assignment, created: true };
    });
  }

  get(plane: RolePlane, hsmName: string, name: string, scope: string): RoleAssignment {
    const a = this.store.roleAssignments.get(plane, hsmName, name);
    if (!a || a.scope.toLowerCase() !== scope.toLowerCase()) {
      throw notFound(plane === "control" ? "RoleAssignmentNotFound" : "RoleAssignmentNotFound", `The role assignment '${name}' is not found at scope '${scope}'.`);
    }
    return a;
  }

  /** Undefined when there was nothing to delete. */
  delete(plane: RolePlane, hsmName: string, name: string, scope: string): RoleAssignment | undefined {
    return this.store.transaction(() => {
      const a = this.store.roleAssignments.get(plane, hsmName, name);
      if (!a || a.scope.toLowerCase() !== scope.toLowerCase()) return undefined;
      this.store.roleAssignments.remove(plane, hsmName, name);
      return a;
    });
  }

  /** Assignments that apply at `scope` (at it or above) or sit below it, optionally for one principal. */
  list(plane: RolePlane, hsmName: string, scope: string, principalId?: string): RoleAssignment[] {
    return this.store.roleAssignments
      .list(plane, hsmName)
      .filter((a) => scopeCovers(a.scope, scope) || scopeCovers(scope, a.scope))
      .filter((a) => principalId === undefined || a.principalId.toLowerCase() === principalId.toLowerCase());
  }
}
