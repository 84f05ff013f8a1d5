import { isExpired } from "../domain/soft-delete";
import { type HsmState, settle } from "../domain/managed-hsm";
import type { Store } from "../persistence/store";

/**
 * Brings stored state up to the emulated `now`: ends long-running operations whose time has come and
 * purges whatever passed its scheduled purge date. Every service call runs it first, and a timer runs it
 * in the background, so nobody sees an object past its purge date.
 */
export class Sweeper {
  constructor(private readonly store: Store) {}

  sweep(now: number): void {
    // Two indexed reads in the common case where nothing is due; the write transaction only when needed.
    if (this.store.hsms.due(now).length === 0 && this.store.keys.due(now).length === 0) return;
    this.store.transaction(() => {
      for (const hsm of this.store.hsms.due(now)) this.settleHsm(hsm, now);
      for (const key of this.store.keys.due(now)) {
        if (isExpired(key.lifecycle, now)) this.store.keys.remove(key.hsmName, key.name);
      }
    });
  }

  /** Applies the end of an HSM's pending operation or its expiry; call inside a transaction. */
  settleHsm(hsm: HsmState, now: number): HsmState | undefined {
    const settled = settle(hsm, now);
    switch (settled.change) {
      case "none":
        return hsm;
      case "updated":
        this.store.hsms.put(settled.state);
        if (settled.deletedAt !== undefined) this.recordUsage(settled.state, "deleted", settled.deletedAt);
        // A delete whose retention has also run out by now (a clock jump) settles twice.
        return this.settleHsm(settled.state, now);
      case "gone":
        this.store.keys.removeAll(hsm.name);
        this.store.roleAssignments.removeForHsm(hsm.name);
        this.store.hsms.remove(hsm.name);
        this.recordUsage(hsm, "purged", settled.at);
        return undefined;
    }
  }

  recordUsage(hsm: HsmState, kind: "created" | "deleted" | "recovered" | "purged", at: number): void {
    this.store.usage.append({
      instanceId: hsm.instanceId,
      name: hsm.name,
      subscriptionId: hsm.subscriptionId,
      resourceGroup: hsm.resourceGroup,
      location: hsm.location,
      kind,
      at,
    });
  }
}
