import type { RoleAssignment } from "../domain/access";
import type { Sqlite } from "./database";

type Plane = RoleAssignment["plane"];
interface Row {
  doc: string;
}

/** Role assignments of both planes; data-plane ones are kept per HSM and outlive its soft-delete. */
export class RoleAssignmentStore {
  private readonly getStmt;
  private readonly putStmt;
  private readonly deleteStmt;
  private readonly deleteHsmStmt;
  private readonly byPrincipalStmt;
  private readonly listStmt;

  constructor(db: Sqlite) {
    this.getStmt = db.prepare<[Plane, string, string], Row>("SELECT doc FROM role_assignments WHERE plane = ? AND hsm_name = ? AND name = ?");
    this.putStmt = db.prepare(
      "INSERT OR REPLACE INTO role_assignments (plane, hsm_name, name, principal_id, doc) VALUES (@plane, @hsmName, @name, @principalId, @doc)",
    );
    this.deleteStmt = db.prepare("DELETE FROM role_assignments WHERE plane = ? AND hsm_name = ? AND name = ?");
    this.deleteHsmStmt = db.prepare("DELETE FROM role_assignments WHERE plane = 'data' AND hsm_name = ?");
    this.byPrincipalStmt = db.prepare<[Plane, string, string], Row>("SELECT doc FROM role_assignments WHERE plane = ? AND hsm_name = ? AND principal_id = ?");
    this.listStmt = db.prepare<[Plane, string], Row>("SELECT doc FROM role_assignments WHERE plane = ? AND hsm_name = ? ORDER BY name");
  }

  get(plane: Plane, hsmName: string, name: string): RoleAssignment | undefined {
    const row = this.getStmt.get(plane, hsmName, name);
    return row ? (JSON.parse(row.doc) as RoleAssignment) : undefined;
  }

  put(a: RoleAssignment): void {
    this.putStmt.run({ plane: a.plane, hsmName: a.hsmName, name: a.name, principalId: a.principalId, doc: JSON.stringify(a) });
  }

  remove(plane: Plane, hsmName: string, name: string): void {
    this.deleteStmt.run(plane, hsmName, name);
  }

  removeForHsm(hsmName: string): void {
    this.deleteHsmStmt.run(hsmName);
  }

  forPrincipal(plane: Plane, hsmName: string, principalId: string): RoleAssignment[] {
    return this.byPrincipalStmt.all(plane, hsmName, principalId).map((r) => JSON.parse(r.doc) as RoleAssignment);
  }

  list(plane: Plane, hsmName: string): RoleAssignment[] {
    return this.listStmt.all(plane, hsmName).map((r) => JSON.parse(r.doc) as RoleAssignment);
  }
}
