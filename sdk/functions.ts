import { randomUUID } from "node:crypto";
import type { ManagedHsmResource, DeletedManagedHsmResource, CheckNameResult } from "../model/managed-hsm";
import type { DeletedKeyBundle, DeletedKeyItem, KeyBundle, KeyItem, KeyOperation, KeyType, Curve } from "../model/keys";
import { DEFAULT_PURGE_PROTECTION, SOFT_DELETE_RETENTION_DAYS } from "../model/limits";
import { normalizeLocation, resourceGroupOf } from "../model/names";
import { findRole } from "../model/roles";
import { ControlRbacApi, type RoleAssignment } from "../provider/api/control-rbac";
import type { LocalRoleAssignment } from "../provider/api/local-rbac";
import type { HsmRef } from "../provider/api/managed-hsms";
import { type ProviderConfig, hsmUriFor, resolveConfig } from "../provider/config";
import { type ProviderContext, createContext } from "../provider/context";
import type { ClientOptions } from "../provider/http/client";

/**
 * The Azure CLI's Managed HSM operations as plain async functions, for scripts and the Automation API.
 * They take the provider's configuration (`MHSM_*` environment variables, or `config`), and the `mhsm`
 * command line is a thin layer over them.
 */

export interface FunctionOptions {
  /** Overrides of the configuration that `MHSM_*` environment variables give otherwise. */
  config?: Partial<ProviderConfig>;
  /** Return once the service has accepted a long-running operation, instead of waiting for it to end. */
  noWait?: boolean;
  /** Called while waiting on retries and long-running operations, for progress output. */
  onWait?: ClientOptions["onWait"];
}

/** An HSM given by name (its data plane is derived as the Azure CLI does) or by its URI. */
export type HsmTarget = string | { hsmUri: string };

async function withContext<T>(options: FunctionOptions | undefined, fn: (ctx: ProviderContext) => Promise<T>): Promise<T> {
  const config = { ...resolveConfig(), ...(options?.config ?? {}) } as ProviderConfig;
  const ctx = createContext(config, options?.onWait ? { onWait: options.onWait } : {});
  try {
    return await fn(ctx);
  } finally {
    ctx.client.close();
  }
}

const uriOf = (ctx: ProviderContext, hsm: HsmTarget) => (typeof hsm === "string" ? hsmUriFor(ctx.config, hsm) : hsm.hsmUri);

class NotFoundError extends Error {
  readonly code = "ResourceNotFound";
}

/** Finds a live HSM by name in the subscription when the resource group isn't given, as `az keyvault show --hsm-name` does. */
async function locate(ctx: ProviderContext, name: string, resourceGroupName: string | undefined): Promise<HsmRef & { resource: ManagedHsmResource }> {
  const subscriptionId = ctx.config.subscriptionId;
  if (resourceGroupName) {
    const resource = await ctx.hsms.get({ subscriptionId, resourceGroupName, name });
    if (!resource) throw new NotFoundError(`The managed HSM '${name}' was not found in resource group '${resourceGroupName}'.`);
    return { subscriptionId, resourceGroupName, name, resource };
  }
  const resource = (await ctx.hsms.list(subscriptionId)).find((h) => h.name.toLowerCase() === name.toLowerCase());
  if (!resource) throw new NotFoundError(`The managed HSM '${name}' was not found in subscription '${subscriptionId}'.`);
  return { subscriptionId, resourceGroupName: resourceGroupOf(resource.id)!, name: resource.name, resource };
}

// Managed HSMs

export interface CreateManagedHsmArgs {
  name: string;
  resourceGroupName: string;
  location: string;
  administrators: string[];
  retentionDays?: number;
  enablePurgeProtection?: boolean;
  sku?: "Standard_B1" | "Custom_B32" | "Custom_B6" | "Custom_C42" | "Custom_C10";
  tags?: Record<string, string>;
}

export function createManagedHsm(args: CreateManagedHsmArgs, options?: FunctionOptions): Promise<ManagedHsmResource> {
  return withContext(options, (ctx) =>
    ctx.hsms.put(
      { subscriptionId: ctx.config.subscriptionId, resourceGroupName: args.resourceGroupName, name: args.name },
      {
        location: normalizeLocation(args.location),
        sku: { family: args.sku?.startsWith("Custom_C") ? "C" : "B", name: args.sku ?? "Standard_B1" },
        tags: args.tags ?? {},
        properties: {
          tenantId: ctx.config.tenantId,
          initialAdminObjectIds: args.administrators,
          softDeleteRetentionInDays: args.retentionDays ?? SOFT_DELETE_RETENTION_DAYS.default,
          enablePurgeProtection: args.enablePurgeProtection ?? DEFAULT_PURGE_PROTECTION,
        },
      },
      !options?.noWait,
    ),
  );
}

export function getManagedHsm(name: string, resourceGroupName?: string, options?: FunctionOptions): Promise<ManagedHsmResource> {
  return withContext(options, async (ctx) => (await locate(ctx, name, resourceGroupName)).resource);
}

export function listManagedHsms(resourceGroupName?: string, options?: FunctionOptions): Promise<ManagedHsmResource[]> {
  return withContext(options, (ctx) => ctx.hsms.list(ctx.config.subscriptionId, resourceGroupName));
}

/** Soft-deletes an HSM. */
export function deleteManagedHsm(name: string, resourceGroupName?: string, options?: FunctionOptions): Promise<void> {
  return withContext(options, async (ctx) => {
    const ref = await locate(ctx, name, resourceGroupName);
    await ctx.hsms.delete(ref, !options?.noWait);
  });
}

export function updateManagedHsm(
  name: string,
  changes: { enablePurgeProtection?: true; publicNetworkAccess?: "Enabled" | "Disabled"; tags?: Record<string, string> },
  resourceGroupName?: string,
  options?: FunctionOptions,
): Promise<ManagedHsmResource> {
  return withContext(options, async (ctx) => {
    const ref = await locate(ctx, name, resourceGroupName);
    const { tags, ...properties } = changes;
    return ctx.hsms.patch(ref, { ...(tags ? { tags } : {}), properties }, !options?.noWait);
  });
}

export function checkHsmNameAvailability(name: string, options?: FunctionOptions): Promise<CheckNameResult> {
  return withContext(options, (ctx) => ctx.hsms.checkName(ctx.config.subscriptionId, name));
}

export function listDeletedManagedHsms(options?: FunctionOptions): Promise<DeletedManagedHsmResource[]> {
  return withContext(options, (ctx) => ctx.hsms.listDeleted(ctx.config.subscriptionId));
}

export function getDeletedManagedHsm(name: string, location: string, options?: FunctionOptions): Promise<DeletedManagedHsmResource> {
  return withContext(options, async (ctx) => {
    const deleted = await ctx.hsms.getDeleted(ctx.config.subscriptionId, normalizeLocation(location), name);
    if (!deleted) throw new NotFoundError(`No deleted managed HSM named '${name}' in location '${location}'.`);
    return deleted;
  });
}

/** Recovers a soft-deleted HSM into the resource group it was deleted from. */
export function recoverManagedHsm(name: string, location: string, options?: FunctionOptions): Promise<ManagedHsmResource> {
  return withContext(options, async (ctx) => {
    const deleted = await ctx.hsms.getDeleted(ctx.config.subscriptionId, normalizeLocation(location), name);
    if (!deleted) throw new NotFoundError(`No deleted managed HSM named '${name}' in location '${location}'.`);
    const resourceGroupName = resourceGroupOf(deleted.properties.mhsmId)!;
    return ctx.hsms.recover({ subscriptionId: ctx.config.subscriptionId, resourceGroupName, name: deleted.name }, deleted.properties.location, !options?.noWait);
  });
}

/** Purges a soft-deleted HSM for good; refused (403) under purge protection until its scheduled purge date. */
export function purgeDeletedManagedHsm(name: string, location: string, options?: FunctionOptions): Promise<void> {
  return withContext(options, (ctx) => ctx.hsms.purge(ctx.config.subscriptionId, normalizeLocation(location), name, !options?.noWait));
}

// Keys

export interface CreateHsmKeyArgs {
  name: string;
  kty?: KeyType;
  size?: number;
  curve?: Curve;
  ops?: KeyOperation[];
  tags?: Record<string, string>;
  enabled?: boolean;
  /** Unix seconds. */
  notBefore?: number;
  expires?: number;
}

export function createHsmKey(hsm: HsmTarget, args: CreateHsmKeyArgs, options?: FunctionOptions): Promise<KeyBundle> {
  return withContext(options, (ctx) =>
    ctx.keys(uriOf(ctx, hsm)).create(args.name, {
      kty: args.kty ?? "RSA-HSM",
      ...(args.size !== undefined ? { key_size: args.size } : {}),
      ...(args.curve !== undefined ? { crv: args.curve } : {}),
      ...(args.ops !== undefined ? { key_ops: args.ops } : {}),
      ...(args.tags !== undefined ? { tags: args.tags } : {}),
      attributes: { ...(args.enabled !== undefined ? { enabled: args.enabled } : {}), ...(args.notBefore !== undefined ? { nbf: args.notBefore } : {}), ...(args.expires !== undefined ? { exp: args.expires } : {}) },
    }),
  );
}

export function getHsmKey(hsm: HsmTarget, name: string, version?: string, options?: FunctionOptions): Promise<KeyBundle> {
  return withContext(options, async (ctx) => {
    const key = await ctx.keys(uriOf(ctx, hsm)).get(name, version);
    if (!key) throw new NotFoundError(`A key named '${name}' was not found in this HSM.`);
    return key;
  });
}

export function listHsmKeys(hsm: HsmTarget, options?: FunctionOptions): Promise<KeyItem[]> {
  return withContext(options, (ctx) => ctx.keys(uriOf(ctx, hsm)).list());
}

/** Soft-deletes a key. */
export function deleteHsmKey(hsm: HsmTarget, name: string, options?: FunctionOptions): Promise<DeletedKeyBundle> {
  return withContext(options, async (ctx) => {
    const deleted = await ctx.keys(uriOf(ctx, hsm)).delete(name);
    if (!deleted) throw new NotFoundError(`A key named '${name}' was not found in this HSM.`);
    return deleted;
  });
}

export function listDeletedHsmKeys(hsm: HsmTarget, options?: FunctionOptions): Promise<DeletedKeyItem[]> {
  return withContext(options, (ctx) => ctx.keys(uriOf(ctx, hsm)).listDeleted());
}

export function getDeletedHsmKey(hsm: HsmTarget, name: string, options?: FunctionOptions): Promise<DeletedKeyBundle> {
  return withContext(options, async (ctx) => {
    const deleted = await ctx.keys(uriOf(ctx, hsm)).getDeleted(name);
    if (!deleted) throw new NotFoundError(`Deleted key not found: ${name}`);
    return deleted;
  });
}

export function recoverDeletedHsmKey(hsm: HsmTarget, name: string, options?: FunctionOptions): Promise<KeyBundle> {
  return withContext(options, (ctx) => ctx.keys(uriOf(ctx, hsm)).recover(name));
}

/** Purges a deleted key for good; refused (403) under purge protection, and without Crypto Officer. */
export function purgeDeletedHsmKey(hsm: HsmTarget, name: string, options?: FunctionOptions): Promise<void> {
  return withContext(options, (ctx) => ctx.keys(uriOf(ctx, hsm)).purge(name));
}

// Role assignments

function roleId(plane: "control" | "data", role: string): string {
  const found = findRole(plane, role);
  if (!found) throw new Error(`'${role}' is not a built-in ${plane === "control" ? "Azure" : "Managed HSM"} role.`);
  return found.id;
}

interface AssignmentLike {
  name: string;
  properties: { principalId: string; roleDefinitionId: string; scope: string };
}

/** Whether an assignment matches a name, principal and role (a resolved role id); callers compare scopes their own way. */
function matches(a: AssignmentLike, filter: { name?: string | undefined; principalId?: string | undefined }, role: string | undefined): boolean {
  return (
    (!filter.name || a.name === filter.name) &&
    (!filter.principalId || a.properties.principalId.toLowerCase() === filter.principalId.toLowerCase()) &&
    (!role || a.properties.roleDefinitionId.endsWith(role))
  );
}

export function createHsmRoleAssignment(hsm: HsmTarget, args: { role: string; principalId: string; scope?: string; name?: string }, options?: FunctionOptions): Promise<LocalRoleAssignment> {
  return withContext(options, (ctx) => ctx.rbac(uriOf(ctx, hsm)).put(args.scope ?? "/", args.name ?? randomUUID(), roleId("data", args.role), args.principalId));
}

export function listHsmRoleAssignments(hsm: HsmTarget, filter: { scope?: string; principalId?: string; role?: string } = {}, options?: FunctionOptions): Promise<LocalRoleAssignment[]> {
  return withContext(options, async (ctx) => {
    const all = await ctx.rbac(uriOf(ctx, hsm)).list(filter.scope ?? "/");
    const role = filter.role ? roleId("data", filter.role) : undefined;
    return all.filter((a) => matches(a, { principalId: filter.principalId }, role));
  });
}

/** Deletes assignments by name, or all that match role, principal and scope; returns what was deleted. */
export function deleteHsmRoleAssignments(hsm: HsmTarget, filter: { name?: string; scope?: string; principalId?: string; role?: string }, options?: FunctionOptions): Promise<LocalRoleAssignment[]> {
  return withContext(options, async (ctx) => {
    const api = ctx.rbac(uriOf(ctx, hsm));
    const role = filter.role ? roleId("data", filter.role) : undefined;
    const found = (await api.list(filter.scope ?? "/")).filter((a) => matches(a, filter, role) && (!filter.scope || a.properties.scope === filter.scope));
    for (const a of found) await api.delete(a.properties.scope, a.name);
    return found;
  });
}

export function createRoleAssignment(args: { scope: string; role: string; principalId: string; name?: string }, options?: FunctionOptions): Promise<RoleAssignment> {
  return withContext(options, (ctx) => new ControlRbacApi(ctx.client).put(args.scope, args.name ?? randomUUID(), roleId("control", args.role), args.principalId));
}

export function listRoleAssignments(filter: { scope?: string; principalId?: string } = {}, options?: FunctionOptions): Promise<RoleAssignment[]> {
  return withContext(options, (ctx) => new ControlRbacApi(ctx.client).list(filter.scope ?? `/subscriptions/${ctx.config.subscriptionId}`, filter.principalId));
}

export function deleteRoleAssignments(filter: { scope?: string; principalId?: string; role?: string; name?: string }, options?: FunctionOptions): Promise<RoleAssignment[]> {
  return withContext(options, async (ctx) => {
    const api = new ControlRbacApi(ctx.client);
    const scope = filter.scope ?? `/subscriptions/${ctx.config.subscriptionId}`;
    const role = filter.role ? roleId("control", filter.role) : undefined;
    const found = (await api.list(scope, filter.principalId)).filter((a) => matches(a, filter, role) && a.properties.scope.toLowerCase() === scope.toLowerCase());
    for (const a of found) await api.delete(a.properties.scope, a.name);
    return found;
  });
}

// The emulator's clock

export function getEmulatorClock(options?: FunctionOptions): Promise<{ now: string }> {
  return withContext(options, async (ctx) => (await ctx.client.send("control", "GET", `${ctx.config.endpoint}/_emulator/clock`)).data as { now: string });
}

export function advanceEmulatorClock(seconds: number, options?: FunctionOptions): Promise<{ now: string }> {
  return withContext(options, async (ctx) => (await ctx.client.send("control", "POST", `${ctx.config.endpoint}/_emulator/clock`, { advanceSeconds: seconds })).data as { now: string });
}

export function getEmulatorUsage(options?: FunctionOptions): Promise<{ value: { name: string; state: string; liveHours: number; softDeletedHours: number; billableHours: number }[] }> {
  return withContext(options, async (ctx) => (await ctx.client.send("control", "GET", `${ctx.config.endpoint}/_emulator/usage`)).data as never);
}

/** The subscription the functions use when not told otherwise. */
export function currentSubscription(): string {
  return resolveConfig().subscriptionId;
}
