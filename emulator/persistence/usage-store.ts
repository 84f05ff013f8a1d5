import type { UsageEvent } from "../domain/usage";
import type { Sqlite } from "./database";

export class UsageStore {
  private readonly appendStmt;
  private readonly allStmt;

  constructor(db: Sqlite) {
    this.appendStmt = db.prepare("INSERT INTO usage_events (instance_id, at, doc) VALUES (?, ?, ?)");
    this.allStmt = db.prepare<[], { doc: string }>("SELECT doc FROM usage_events ORDER BY at, seq");
  }

  append(event: UsageEvent): void {
    this.appendStmt.run(event.instanceId, event.at, JSON.stringify(event));
  }

  all(): UsageEvent[] {
    return this.allStmt.all().map((r) => JSON.parse(r.doc) as UsageEvent);
  }
}
