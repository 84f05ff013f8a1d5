import { DEFAULT_PURGE_PROTECTION, DEFAULT_SKU, SOFT_DELETE_RETENTION_DAYS } from "../../model/limits";
import type {
  ManagedHsmPatchBody,
  ManagedHsmPutBody,
  NetworkAcls,
  ProvisioningState,
  Sku,
} from "../../model/managed-hsm";
import { normalizeLocation } from "../../model/names";
import { purgeProtectionChangeProblem, retentionChangeProblem, softDeleteProblem } from "../../model/rules";
import { badRequest, conflict, forbidden, notFound } from "./errors";
import { ACTIVE, type Lifecycle, isExpired, nameClaim, purgeDecision, softDelete } from "./soft-delete";

/**
 * The Managed HSM aggregate: how PUT, PATCH, DELETE, recover and purge change an HSM, and how its
 * long-running operations end. Pure: callers load the current holder of the name, call one function, and
 * persist what it returns.
 */

export type HsmOperationKind = "create" | "update" | "delete" | "recover" | "purge";

export interface PendingOperation {
  id: string;
  kind: HsmOperationKind;
  startedAt: number;
  readyAt: number;
}

export interface HsmAddress {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

export interface HsmState extends HsmAddress {
  /** One id per creation: a purged and re-created name is a new HSM for billing. */
  instanceId: string;
  location: string;
  sku: Sku;
  tags: Record<string, string>;
  tenantId: string;
  initialAdminObjectIds: string[];
  softDeleteRetentionInDays: number;
  enablePurgeProtection: boolean;
  publicNetworkAccess: "Enabled" | "Disabled";
  networkAcls?: NetworkAcls;
  regions?: { name: string; isPrimary: boolean }[];
  createdAt: number;
  lastModifiedAt: number;
  lifecycle: Lifecycle;
  pending?: PendingOperation;
}

export interface CommandContext {
  now: number;
  /** How long the long-running operation started by this command takes. */
  delayMs: number;
  newId: () => string;
}

export function armId(a: HsmAddress): string {
  return `/subscriptions/${a.subscriptionId}/resourceGroups/${a.resourceGroup}/providers/Microsoft.KeyVault/managedHSMs/${a.name}`;
}

export function deletedArmId(subscriptionId: string, location: string, name: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.KeyVault/locations/${location}/deletedManagedHSMs/${name}`;
}

function sameAddress(a: HsmAddress, b: HsmAddress): boolean {
  return (
    a.subscriptionId.toLowerCase() === b.subscriptionId.toLowerCase() &&
    a.resourceGroup.toLowerCase() === b.resourceGroup.toLowerCase() &&
    a.name.toLowerCase() === b.name.toLowerCase()
  );
}

const iso = (ms: number) => new Date(ms).toISOString();

function pending(kind: HsmOperationKind, ctx: CommandContext): PendingOperation {
  return { id: ctx.newId(), kind, startedAt: ctx.now, readyAt: ctx.now + ctx.delayMs };
}

function resourceNotFound(a: HsmAddress) {
  return notFound(
    "ResourceNotFound",
    `The Resource 'Microsoft.KeyVault/managedHSMs/${a.name}' under resource group '${a.resourceGroup}' was not found.`,
  );
}

function softDeletedNameConflict(holder: HsmState) {
  const lc = holder.lifecycle;
  const dates = lc.state === "deleted" ? ` (deleted ${iso(lc.deletedAt)}, scheduled purge ${iso(lc.scheduledPurgeAt)})` : "";
  return conflict(
    "ConflictError",
    `A managed HSM with the name '${holder.name}' already exists in a deleted state${dates}. ` +
      `The name can't be reused until it is purged: recover it (PUT with properties.createMode 'recover') ` +
      `or purge it (POST /subscriptions/${holder.subscriptionId}/providers/Microsoft.KeyVault/locations/${holder.location}/deletedManagedHSMs/${holder.name}/purge).`,
  );
}

/** One long-running operation at a time per HSM, as in Azure. */
function assertIdle(state: HsmState, now: number): void {
  if (state.pending && now < state.pending.readyAt) {
    throw conflict(
      "ConflictError",
      `The managed HSM '${state.name}' has an operation in progress (${state.pending.kind}); retry when it has finished.`,
    );
  }
}

export type PutOutcome = { kind: "created" | "updated" | "recovered"; state: HsmState };

/** PUT: create, update in place, or (with createMode recover) recover a soft-deleted HSM. */
export function putHsm(
  holder: HsmState | undefined,
  address: HsmAddress,
  body: ManagedHsmPutBody,
  ctx: CommandContext,
): PutOutcome {
  if (body.properties?.createMode === "recover") return { kind: "recovered", state: recoverHsm(holder, address, body, ctx) };
  switch (nameClaim(holder)) {
    case "deleted":
      throw softDeletedNameConflict(holder!);
    case "active":
      if (!sameAddress(holder!, address)) {
        throw conflict(
          "ConflictError",
          `The name '${address.name}' is already in use by another managed HSM. Managed HSM names are unique across Azure; choose another name.`,
        );
      }
      return { kind: "updated", state: applyChanges(holder!, body, ctx) };
    case "free":
      return { kind: "created", state: createHsm(address, body, ctx) };
  }
}

function createHsm(address: HsmAddress, body: ManagedHsmPutBody, ctx: CommandContext): HsmState {
  const p = body.properties ?? {};
  if (!p.tenantId) throw badRequest("properties.tenantId is required when creating a managed HSM.");
  const softDelete = softDeleteProblem(p.enableSoftDelete);
  if (softDelete) throw badRequest(`properties.enableSoftDelete: ${softDelete}.`);
  return {
    ...address,
    instanceId: ctx.newId(),
    location: normalizeLocation(body.location),
    sku: body.sku ?? { ...DEFAULT_SKU },
    tags: body.tags ?? {},
    tenantId: p.tenantId,
    initialAdminObjectIds: p.initialAdminObjectIds ?? [],
    softDeleteRetentionInDays: p.softDeleteRetentionInDays ?? SOFT_DELETE_RETENTION_DAYS.default,
    enablePurgeProtection: p.enablePurgeProtection ?? DEFAULT_PURGE_PROTECTION,
    publicNetworkAccess: p.publicNetworkAccess ?? "Enabled",
    ...(p.networkAcls ? { networkAcls: p.networkAcls } : {}),
    ...(p.regions ? { regions: p.regions.map((r) => ({ name: r.name, isPrimary: r.isPrimary ?? false })) } : {}),
    createdAt: ctx.now,
    lastModifiedAt: ctx.now,
    lifecycle: ACTIVE,
    pending: pending("create", ctx),
  };
}

/** The live HSM at this address, or Azure's ResourceNotFound: a soft-deleted one, or one elsewhere, is not here. */
export function requireLiveAt(holder: HsmState | undefined, address: HsmAddress): HsmState {
  if (!holder || holder.lifecycle.state !== "active" || !sameAddress(holder, address)) throw resourceNotFound(address);
  return holder;
}

/** PATCH: merge the given fields into a live HSM. */
export function patchHsm(
  holder: HsmState | undefined,
  address: HsmAddress,
  body: ManagedHsmPatchBody,
  ctx: CommandContext,
): HsmState {
  return applyChanges(requireLiveAt(holder, address), body, ctx);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const norm = (xs: readonly string[]) => [...new Set(xs.map((x) => x.toLowerCase()))].sort().join(",");
  return norm(a) === norm(b);
}

function applyChanges(current: HsmState, changes: ManagedHsmPatchBody, ctx: CommandContext): HsmState {
  assertIdle(current, ctx.now);
  const p = changes.properties ?? {};
  if (changes.location !== undefined && normalizeLocation(changes.location) !== current.location) {
    throw badRequest(`location can't be changed: the managed HSM '${current.name}' is in '${current.location}'.`);
  }
  if (changes.sku && (changes.sku.name !== current.sku.name || changes.sku.family !== current.sku.family)) {
    throw badRequest(`sku can't be changed after creation: the managed HSM '${current.name}' is ${current.sku.name}.`);
  }
  if (p.tenantId !== undefined && p.tenantId.toLowerCase() !== current.tenantId.toLowerCase()) {
    throw badRequest(`properties.tenantId can't be changed after creation.`);
  }
  if (p.initialAdminObjectIds !== undefined && !sameSet(p.initialAdminObjectIds, current.initialAdminObjectIds)) {
    throw badRequest(
      `properties.initialAdminObjectIds is set at creation and can't be modified; manage administrators through the HSM's local role assignments.`,
    );
  }
  const problems = [
    softDeleteProblem(p.enableSoftDelete),
    retentionChangeProblem(current.softDeleteRetentionInDays, p.softDeleteRetentionInDays),
    purgeProtectionChangeProblem(current.enablePurgeProtection, p.enablePurgeProtection),
  ].filter((x): x is string => x !== undefined);
  if (problems.length > 0) throw badRequest(`${problems.join("; ")}.`);
  return {
    ...current,
    tags: changes.tags ?? current.tags,
    enablePurgeProtection: p.enablePurgeProtection ?? current.enablePurgeProtection,
    publicNetworkAccess: p.publicNetworkAccess ?? current.publicNetworkAccess,
    ...(p.networkAcls ? { networkAcls: p.networkAcls } : {}),
    lastModifiedAt: ctx.now,
    pending: pending("update", ctx),
  };
}

function recoverHsm(
  holder: HsmState | undefined,
  address: HsmAddress,
  body: ManagedHsmPutBody,
  ctx: CommandContext,
): HsmState {
  if (!holder || holder.subscriptionId.toLowerCase() !== address.subscriptionId.toLowerCase()) {
    throw notFound(
      "ResourceNotFound",
      `No deleted managed HSM named '${address.name}' was found in subscription '${address.subscriptionId}' to recover.`,
    );
  }
  if (holder.lifecycle.state === "active") {
    throw conflict("ConflictError", `The managed HSM '${holder.name}' is not deleted, so there is nothing to recover.`);
  }
  if (normalizeLocation(body.location) !== holder.location) {
    throw badRequest(
      `location must be '${holder.location}', where the deleted managed HSM '${holder.name}' is; it can only be recovered there.`,
    );
  }
  assertIdle(holder, ctx.now);
  return {
    ...holder,
    resourceGroup: address.resourceGroup,
    lifecycle: ACTIVE,
    lastModifiedAt: ctx.now,
    pending: pending("recover", ctx),
  };
}

/** DELETE: starts the soft-delete. Undefined means there is nothing to delete here (Azure answers 204). */
export function deleteHsm(holder: HsmState | undefined, address: HsmAddress, ctx: CommandContext): HsmState | undefined {
  if (!holder || holder.lifecycle.state !== "active" || !sameAddress(holder, address)) return undefined;
  if (holder.pending?.kind === "delete") return holder;
  assertIdle(holder, ctx.now);
  return { ...holder, pending: pending("delete", ctx) };
}

export function findDeleted(holder: HsmState | undefined, subscriptionId: string, location: string, name: string): HsmState {
  if (
    !holder ||
    holder.lifecycle.state !== "deleted" ||
    holder.subscriptionId.toLowerCase() !== subscriptionId.toLowerCase() ||
    holder.location !== normalizeLocation(location)
  ) {
    throw notFound(
      "ResourceNotFound",
      `The deleted managed HSM '${name}' was not found in location '${location}' of subscription '${subscriptionId}'.`,
    );
  }
  return holder;
}

/** Purge of a soft-deleted HSM: refused under purge protection until its scheduled purge date. */
export function purgeHsm(
  holder: HsmState | undefined,
  subscriptionId: string,
  location: string,
  name: string,
  ctx: CommandContext,
): HsmState {
  const deleted = findDeleted(holder, subscriptionId, location, name);
  if (deleted.pending?.kind === "purge") return deleted;
  const decision = purgeDecision(deleted.lifecycle, ctx.now, deleted.enablePurgeProtection);
  if (!decision.allowed && decision.reason === "purge-protection") {
    throw forbidden(
      `Operation 'purge' is not allowed because purge protection is enabled for the managed HSM '${deleted.name}'. ` +
        `It will be purged automatically by the service after its retention period, on ${iso(decision.until)}.`,
    );
  }
  return { ...deleted, pending: pending("purge", ctx) };
}

export type Settled =
  | { change: "none" }
  | { change: "updated"; state: HsmState; deletedAt?: number }
  | { change: "gone"; at: number };

/** Ends a long-running operation whose time has come, and removes an HSM whose scheduled purge date has passed. */
export function settle(state: HsmState, now: number): Settled {
  if (isExpired(state.lifecycle, now) && state.lifecycle.state === "deleted") {
    return { change: "gone", at: state.lifecycle.scheduledPurgeAt };
  }
  const op = state.pending;
  if (!op || now < op.readyAt) return { change: "none" };
  const { pending: _done, ...rest } = state;
  switch (op.kind) {
    case "create":
    case "update":
    case "recover":
      return { change: "updated", state: rest };
    case "delete": {
      const lifecycle = softDelete(op.readyAt, state.softDeleteRetentionInDays);
      return { change: "updated", state: { ...rest, lifecycle }, deletedAt: op.readyAt };
    }
    case "purge":
      return { change: "gone", at: op.readyAt };
  }
}

/** The earliest emulated time at which `settle` would change this HSM. */
export function nextDueAt(state: HsmState): number | undefined {
  const times = [state.pending?.readyAt, state.lifecycle.state === "deleted" ? state.lifecycle.scheduledPurgeAt : undefined];
  const defined = times.filter((t): t is number => t !== undefined);
  return defined.length ? Math.min(...defined) : undefined;
}

const IN_PROGRESS: Record<HsmOperationKind, ProvisioningState> = {
  create: "Provisioning",
  update: "Updating",
  delete: "Deleting",
  recover: "Restoring",
  purge: "Deleting",
};

export function provisioningState(state: HsmState, now: number): ProvisioningState {
  if (state.pending && now < state.pending.readyAt) return IN_PROGRESS[state.pending.kind];
  return "Succeeded";
}

export function statusMessage(state: HsmState, now: number): string {
  switch (provisioningState(state, now)) {
    case "Provisioning":
      return "Allocating hardware";
    case "Restoring":
      return "Recovering the managed HSM";
    case "Updating":
      return "Updating the managed HSM";
    case "Deleting":
      return "Deleting the managed HSM";
    default:
      return "ManagedHsm is functional.";
  }
}

/** Whether the HSM's data plane answers: it exists, is not soft-deleted and has finished provisioning. */
export function dataPlaneAvailable(state: HsmState, now: number): boolean {
  if (state.lifecycle.state !== "active") return false;
  const op = state.pending;
  return !(op && now < op.readyAt && (op.kind === "create" || op.kind === "recover"));
}
