import fs from "node:fs";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";

export type Sqlite = BetterSqlite3.Database;

/**
 * Schema migrations, applied in order and recorded in `user_version`. Aggregates are stored as JSON
 * documents; the columns beside them are what queries filter and sort on.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE hsms (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    subscription_id TEXT NOT NULL COLLATE NOCASE,
    resource_group TEXT NOT NULL COLLATE NOCASE,
    state TEXT NOT NULL CHECK (state IN ('active', 'deleted')),
    due_at INTEGER,
    doc TEXT NOT NULL
  );
  CREATE INDEX hsms_by_scope ON hsms (subscription_id, state, resource_group, name);
  CREATE INDEX hsms_due ON hsms (due_at) WHERE due_at IS NOT NULL;
  CREATE TABLE hsm_keys (
    hsm_name TEXT NOT NULL COLLATE NOCASE,
    name TEXT NOT NULL COLLATE NOCASE,
    state TEXT NOT NULL CHECK (state IN ('active', 'deleted')),
    due_at INTEGER,
    doc TEXT NOT NULL,
    PRIMARY KEY (hsm_name, name)
  );
  CREATE INDEX hsm_keys_by_state ON hsm_keys (hsm_name, state, name);
  CREATE INDEX hsm_keys_due ON hsm_keys (due_at) WHERE due_at IS NOT NULL;
  CREATE TABLE operations (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
  CREATE TABLE usage_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, instance_id TEXT NOT NULL, at INTEGER NOT NULL, doc TEXT NOT NULL);
  `,
  `
  CREATE TABLE role_assignments (
    plane TEXT NOT NULL CHECK (plane IN ('control', 'data')),
    hsm_name TEXT NOT NULL COLLATE NOCASE,
    name TEXT NOT NULL COLLATE NOCASE,
    principal_id TEXT NOT NULL COLLATE NOCASE,
    doc TEXT NOT NULL,
    PRIMARY KEY (plane, hsm_name, name)
  );
  CREATE INDEX role_assignments_by_principal ON role_assignments (plane, hsm_name, principal_id);
  `,
];

export interface OpenOptions {
  /** A folder for `emulator.db`, or undefined for an in-memory database that keeps nothing. */
  location?: string;
}

export function openDatabase(options: OpenOptions): Sqlite {
  let file = ":memory:";
  if (options.location !== undefined) {
    fs.mkdirSync(options.location, { recursive: true });
    file = path.join(options.location, "emulator.db");
  }
  const db = new BetterSqlite3(file);
  if (options.location !== undefined) {
    // WAL: a write is durable once its transaction commits, so it survives the process being killed.
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
  }
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  migrate(db);
  return db;
}

function migrate(db: Sqlite): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `The emulator's database was written by a newer version (schema ${current}, this version knows ${MIGRATIONS.length}); use a newer mhsm or another --location.`,
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
