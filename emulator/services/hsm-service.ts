import { randomUUID } from "node:crypto";
import type { CheckNameResult, ManagedHsmPatchBody, ManagedHsmPutBody } from "../../model/managed-hsm";
import { hsmNameProblem } from "../../model/names";
import { initialAdministrators } from "../domain/access";
import { notFound } from "../domain/errors";
import {
  type CommandContext,
  type HsmAddress,
  type HsmState,
  dataPlaneAvailable,
  deleteHsm,
  findDeleted,
  patchHsm,
  purgeHsm,
  putHsm,
  requireLiveAt,
} from "../domain/managed-hsm";
import type { OperationRecord } from "../persistence/operation-store";
import type { Store } from "../persistence/store";
import type { Clock } from "./clock";
import type { Sweeper } from "./sweeper";

/** The outcome of a long-running command: the HSM as it stands, and the operation to poll (if still running). */
export interface LroResult {
  state: HsmState | undefined;
  operation: OperationRecord;
  done: boolean;
  now: number;
}

/** Control-plane use cases: load the holder of a name, apply one domain command, persist, in one transaction. */
export class HsmService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly sweeper: Sweeper,
    private readonly provisioningDelayMs: number,
  ) {}

  /** The emulated time of this call, after everything due by then has been applied. */
  private begin(): number {
    const now = this.clock.now();
    this.sweeper.sweep(now);
    return now;
  }

  private context(now: number): CommandContext {
    return { now, delayMs: this.provisioningDelayMs, newId: randomUUID };
  }

  /** Persists a command's result with its operation record, and ends the operation at once when it has no delay. */
  private commit(next: HsmState, now: number): LroResult {
    const op = next.pending!;
    const operation: OperationRecord = {
      id: op.id,
      kind: op.kind,
      subscriptionId: next.subscriptionId,
      resourceGroup: next.resourceGroup,
      location: next.location,
      name: next.name,
      startedAt: op.startedAt,
      readyAt: op.readyAt,
    };
    this.store.operations.put(operation);
    this.store.hsms.put(next);
    const state = this.sweeper.settleHsm(next, now);
    return { state, operation, done: now >= op.readyAt, now };
  }

  /** The answer for a command repeated while its operation runs: that same operation, still to poll. */
  private inFlight(holder: HsmState, now: number): LroResult {
    return { state: holder, operation: this.store.operations.get(holder.pending!.id)!, done: false, now };
  }

  put(address: HsmAddress, body: ManagedHsmPutBody): LroResult & { kind: "created" | "updated" | "recovered" } {
    const now = this.begin();
    return this.store.transaction(() => {
      const outcome = putHsm(this.store.hsms.get(address.name), address, body, this.context(now));
      if (outcome.kind === "created") {
        this.sweeper.recordUsage(outcome.state, "created", now);
        for (const admin of initialAdministrators(outcome.state, now)) this.store.roleAssignments.put(admin);
      }
      if (outcome.kind === "recovered") this.sweeper.recordUsage(outcome.state, "recovered", now);
      return { ...this.commit(outcome.state, now), kind: outcome.kind };
    });
  }

  patch(address: HsmAddress, body: ManagedHsmPatchBody): LroResult {
    const now = this.begin();
    return this.store.transaction(() =>
      this.commit(patchHsm(this.store.hsms.get(address.name), address, body, this.context(now)), now),
    );
  }

  /** Undefined when there was nothing to delete. */
  delete(address: HsmAddress): LroResult | undefined {
    const now = this.begin();
    return this.store.transaction(() => {
      const holder = this.store.hsms.get(address.name);
      const next = deleteHsm(holder, address, this.context(now));
      if (!next) return undefined;
      if (next === holder) return this.inFlight(holder, now);
      return this.commit(next, now);
    });
  }

  get(address: HsmAddress): { state: HsmState; now: number } {
    const now = this.begin();
    return { state: requireLiveAt(this.store.hsms.get(address.name), address), now };
  }

  /** The HSM behind a data-plane host, brought up to date: live and provisioned, or nothing answers. */
  openDataPlane(name: string): { hsm: HsmState; now: number } {
    const now = this.begin();
    return { hsm: this.requireDataPlane(name, now), now };
  }

  /** The same check without sweeping, for use inside a transaction. */
  requireDataPlane(name: string, now: number): HsmState {
    const hsm = this.store.hsms.get(name);
    if (!hsm || !dataPlaneAvailable(hsm, now)) {
      throw notFound(
        "HsmNotFound",
        `The managed HSM '${name}' does not exist, is still being provisioned, or is soft-deleted; its data plane can't be reached.`,
      );
    }
    return hsm;
  }

  list(subscriptionId: string, resourceGroup: string | undefined, skip: number, top: number) {
    const now = this.begin();
    const filter = { subscriptionId, state: "active" as const, ...(resourceGroup !== undefined ? { resourceGroup } : {}) };
    // One extra row tells whether there is a next page.
    const rows = this.store.hsms.list(filter, skip, top + 1);
    return { items: rows.slice(0, top), more: rows.length > top, now };
  }

  listDeleted(subscriptionId: string, skip: number, top: number) {
    const now = this.begin();
    const rows = this.store.hsms.list({ subscriptionId, state: "deleted" }, skip, top + 1);
    return { items: rows.slice(0, top), more: rows.length > top, now };
  }

  getDeleted(subscriptionId: string, location: string, name: string): { state: HsmState; now: number } {
    const now = this.begin();
    return { state: findDeleted(this.store.hsms.get(name), subscriptionId, location, name), now };
  }

  purge(subscriptionId: string, location: string, name: string): LroResult {
    const now = this.begin();
    return this.store.transaction(() => {
      const holder = this.store.hsms.get(name);
      const next = purgeHsm(holder, subscriptionId, location, name, this.context(now));
      if (next === holder) return this.inFlight(holder, now);
      return this.commit(next, now);
    });
  }

  checkName(name: string): CheckNameResult {
    this.begin();
    const problem = hsmNameProblem(name);
    if (problem) return { nameAvailable: false, reason: "AccountNameInvalid", message: `The name ${problem}.` };
    const holder = this.store.hsms.get(name);
    if (!holder) return { nameAvailable: true };
    const message =
      holder.lifecycle.state === "deleted"
        ? `The name '${name}' is held by a soft-deleted managed HSM until ${new Date(holder.lifecycle.scheduledPurgeAt).toISOString()}; recover or purge it to use the name.`
        : `The name '${name}' is already in use.`;
    return { nameAvailable: false, reason: "AlreadyExists", message };
  }

  operation(subscriptionId: string, operationId: string): { operation: OperationRecord; state: HsmState | undefined; now: number } {
    const now = this.begin();
    const operation = this.store.operations.get(operationId);
    if (!operation || operation.subscriptionId.toLowerCase() !== subscriptionId.toLowerCase()) {
      throw notFound("ResourceNotFound", `The operation '${operationId}' was not found.`);
    }
    return { operation, state: this.store.hsms.get(operation.name), now };
  }
}
