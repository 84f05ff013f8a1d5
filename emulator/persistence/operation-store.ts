import type { HsmOperationKind } from "../domain/managed-hsm";
import type { Sqlite } from "./database";

/** A long-running control-plane operation, kept so that its `Location` URL can be polled after it ends. */
export interface OperationRecord {
  id: string;
  kind: HsmOperationKind;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  name: string;
  startedAt: number;
  readyAt: number;
}

export class OperationStore {
  private readonly getStmt;
  private readonly putStmt;

  constructor(db: Sqlite) {
    this.getStmt = db.prepare<[string], { doc: string }>("SELECT doc FROM operations WHERE id = ?");
    this.putStmt = db.prepare("INSERT OR REPLACE INTO operations (id, doc) VALUES (?, ?)");
  }

  get(id: string): OperationRecord | undefined {
    const row = this.getStmt.get(id);
    return row ? (JSON.parse(row.doc) as OperationRecord) : undefined;
  }

  put(op: OperationRecord): void {
    this.putStmt.run(op.id, JSON.stringify(op));
  }
}
