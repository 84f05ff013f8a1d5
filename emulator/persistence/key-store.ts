import type { KeyState } from "../domain/keys";
import type { Sqlite } from "./database";

interface Row {
  doc: string;
}

/** Keys of every HSM, with all their versions in one document. */
export class KeyStore {
  private readonly getStmt;
  private readonly upsertStmt;
  private readonly deleteStmt;
  private readonly deleteAllStmt;
  private readonly listStmt;
  private readonly dueStmt;

  constructor(db: Sqlite) {
    this.getStmt = db.prepare<[string, string], Row>("SELECT doc FROM hsm_keys WHERE hsm_name = ? AND name = ?");
    this.upsertStmt = db.prepare(
      `INSERT INTO hsm_keys (hsm_name, name, state, due_at, doc) VALUES (@hsm, @name, @state, @due, @doc)
       ON CONFLICT (hsm_name, name) DO UPDATE SET state = @state, due_at = @due, doc = @doc`,
    );
    this.deleteStmt = db.prepare("DELETE FROM hsm_keys WHERE hsm_name = ? AND name = ?");
    this.deleteAllStmt = db.prepare("DELETE FROM hsm_keys WHERE hsm_name = ?");
    this.listStmt = db.prepare<[string, string, number, number], Row>(
      "SELECT doc FROM hsm_keys WHERE hsm_name = ? AND state = ? ORDER BY name LIMIT ? OFFSET ?",
    );
    this.dueStmt = db.prepare<[number], Row>("SELECT doc FROM hsm_keys WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at");
  }

  get(hsmName: string, name: string): KeyState | undefined {
    const row = this.getStmt.get(hsmName, name);
    return row ? (JSON.parse(row.doc) as KeyState) : undefined;
  }

  put(state: KeyState): void {
    this.upsertStmt.run({
      hsm: state.hsmName,
      name: state.name,
      state: state.lifecycle.state,
      due: state.lifecycle.state === "deleted" ? state.lifecycle.scheduledPurgeAt : null,
      doc: JSON.stringify(state),
    });
  }

  remove(hsmName: string, name: string): void {
    this.deleteStmt.run(hsmName, name);
  }

  removeAll(hsmName: string): void {
    this.deleteAllStmt.run(hsmName);
  }

  list(hsmName: string, state: "active" | "deleted", skip: number, top: number): KeyState[] {
    return this.listStmt.all(hsmName, state, top, skip).map((r) => JSON.parse(r.doc) as KeyState);
  }

  due(now: number): KeyState[] {
    return this.dueStmt.all(now).map((r) => JSON.parse(r.doc) as KeyState);
  }
}
