import { type OpenOptions, type Sqlite, openDatabase } from "./database";
import { HsmStore } from "./hsm-store";
import { KeyStore } from "./key-store";
import { MetaStore } from "./meta-store";
import { OperationStore } from "./operation-store";
import { RoleAssignmentStore } from "./role-assignment-store";
import { UsageStore } from "./usage-store";

/** Every table of the emulator behind one handle, with one way to make a change atomic. */
export class Store {
  readonly hsms: HsmStore;
  readonly keys: KeyStore;
  readonly operations: OperationStore;
  readonly meta: MetaStore;
  readonly usage: UsageStore;
  readonly roleAssignments: RoleAssignmentStore;

  private constructor(private readonly db: Sqlite) {
    this.hsms = new HsmStore(db);
    this.keys = new KeyStore(db);
    this.operations = new OperationStore(db);
    this.meta = new MetaStore(db);
    this.usage = new UsageStore(db);
    this.roleAssignments = new RoleAssignmentStore(db);
  }

  static open(options: OpenOptions): Store {
    return new Store(openDatabase(options));
  }

  /** Runs `fn` in one SQLite transaction: all of its writes land, or none do. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
