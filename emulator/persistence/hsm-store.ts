import { type HsmState, nextDueAt } from "../domain/managed-hsm";
import type { Sqlite } from "./database";

interface Row {
  doc: string;
}

/** Managed HSMs, live and soft-deleted, one row per name (names are unique across subscriptions). */
export class HsmStore {
  private readonly getStmt;
  private readonly upsertStmt;
  private readonly deleteStmt;
  private readonly dueStmt;

  constructor(private readonly db: Sqlite) {
    this.getStmt = db.prepare<[string], Row>("SELECT doc FROM hsms WHERE name = ?");
    this.upsertStmt = db.prepare(
      `INSERT INTO hsms (name, subscription_id, resource_group, state, due_at, doc) VALUES (@name, @sub, @rg, @state, @due, @doc)
       ON CONFLICT (name) DO UPDATE SET subscription_id = @sub, resource_group = @rg, state = @state, due_at = @due, doc = @doc`,
    );
    this.deleteStmt = db.prepare("DELETE FROM hsms WHERE name = ?");
    this.dueStmt = db.prepare<[number], Row>("SELECT doc FROM hsms WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at");
  }

  get(name: string): HsmState | undefined {
    const row = this.getStmt.get(name);
    return row ? (JSON.parse(row.doc) as HsmState) : undefined;
  }

  put(state: HsmState): void {
    this.upsertStmt.run({
      name: state.name,
      sub: state.subscriptionId,
      rg: state.resourceGroup,
      state: state.lifecycle.state,
      due: nextDueAt(state) ?? null,
      doc: JSON.stringify(state),
    });
  }

  remove(name: string): void {
    this.deleteStmt.run(name);
  }

  list(filter: { subscriptionId: string; state: "active" | "deleted"; resourceGroup?: string }, skip: number, top: number): HsmState[] {
    const rg = filter.resourceGroup === undefined ? "" : "AND resource_group = @rg";
    const rows = this.db
      .prepare<Record<string, unknown>, Row>(
        `SELECT doc FROM hsms WHERE subscription_id = @sub AND state = @state ${rg} ORDER BY name LIMIT @top OFFSET @skip`,
      )
      .all({ sub: filter.subscriptionId, state: filter.state, rg: filter.resourceGroup ?? null, top, skip });
    return rows.map((r) => JSON.parse(r.doc) as HsmState);
  }

  due(now: number): HsmState[] {
    return this.dueStmt.all(now).map((r) => JSON.parse(r.doc) as HsmState);
  }
}
