import type { Sqlite } from "./database";

/** Small settings that outlive a restart, such as the clock's offset. */
export class MetaStore {
  private readonly getStmt;
  private readonly putStmt;

  constructor(db: Sqlite) {
    this.getStmt = db.prepare<[string], { value: string }>("SELECT value FROM meta WHERE key = ?");
    this.putStmt = db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
  }

  get(key: string): string | undefined {
    return this.getStmt.get(key)?.value;
  }

  put(key: string, value: string): void {
    this.putStmt.run(key, value);
  }
}
