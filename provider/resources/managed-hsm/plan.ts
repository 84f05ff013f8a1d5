import type { CheckFailure, DiffResult } from "@pulumi/pulumi/dynamic";
import { MS_PER_DAY } from "../../../model/limits";
import { normalizeLocation } from "../../../model/names";
import { PURGE_PROTECTION_IRREVERSIBLE, purgeProtectionChangeProblem } from "../../../model/rules";
import { changedProperties, generateName, isUnknown, iso, tableDiff } from "../common";
import { DEFAULTS, HSM_TABLE, type ManagedHsmArgs, type ManagedHsmInputs } from "./args";

/**
 * The ManagedHsm's replace-or-reject rules, as pure functions of the old and new inputs and of the facts
 * the provider looked up. `check` refuses at preview what Azure would refuse at apply.
 */

export interface CallerDefaults {
  subscriptionId: string;
  tenantId: string;
  /** The caller's object id, the default initial administrator; undefined if it couldn't be learned. */
  callerObjectId: string | undefined;
}

/** What the service says about the name a create is about to use. */
export interface NameFacts {
  /** A soft-deleted HSM holds the name. Its retention is the span between its deletion and purge dates. */
  deleted?: { location: string; deletionDate: string; scheduledPurgeDate: string; purgeProtectionEnabled: boolean };
  /** A live HSM, not this resource, holds the name. */
  live?: boolean;
}

/** Fills defaults and names; unknown values stay unknown. */
export function normalize(args: ManagedHsmArgs, olds: ManagedHsmInputs | undefined, defaults: CallerDefaults): ManagedHsmInputs {
  const keepName = olds?.autonamed && args.name === undefined;
  const name = args.name ?? (keepName ? olds!.name : generateName(args.resourceName ?? "hsm", 24));
  return {
    ...(args.resourceName !== undefined ? { resourceName: args.resourceName } : {}),
    name,
    autonamed: args.name === undefined,
    resourceGroupName: args.resourceGroupName,
    location: isUnknown(args.location) ? args.location : normalizeLocation(args.location),
    subscriptionId: args.subscriptionId ?? defaults.subscriptionId,
    tenantId: args.tenantId ?? defaults.tenantId,
    sku: args.sku ?? DEFAULTS.sku,
    initialAdminObjectIds: args.initialAdminObjectIds ?? (olds?.initialAdminObjectIds ?? (defaults.callerObjectId ? [defaults.callerObjectId] : [])),
    softDeleteRetentionInDays: args.softDeleteRetentionInDays ?? DEFAULTS.softDeleteRetentionInDays,
    enablePurgeProtection: args.enablePurgeProtection ?? DEFAULTS.enablePurgeProtection,
    publicNetworkAccess: args.publicNetworkAccess ?? DEFAULTS.publicNetworkAccess,
    ...(args.networkAcls !== undefined ? { networkAcls: args.networkAcls } : {}),
    tags: args.tags ?? {},
    recoverSoftDeleted: args.recoverSoftDeleted ?? DEFAULTS.recoverSoftDeleted,
    purgeOnDelete: args.purgeOnDelete ?? DEFAULTS.purgeOnDelete,
  };
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** What applying `news` over `olds` will do to the HSM's name. */
export type Intent =
  | { kind: "create"; name: string }
  | { kind: "update" }
  | { kind: "replace-new-name"; name: string; changed: string[] }
  | { kind: "replace-same-name"; changed: string[] };

export function intent(olds: ManagedHsmInputs | undefined, news: ManagedHsmInputs): Intent {
  if (!olds) return { kind: "create", name: news.name };
  const changed = changedProperties(olds as unknown as Record<string, unknown>, news as unknown as Record<string, unknown>, HSM_TABLE.replace);
  if (changed.length === 0) return { kind: "update" };
  if (news.autonamed && olds.autonamed && sameName(olds.name, news.name)) {
    // A generated name is regenerated for the replacement, so the old name's reservation is no obstacle.
    return { kind: "replace-new-name", name: news.name, changed };
  }
  return isUnknown(news.name) || !sameName(olds.name, news.name) ? { kind: "replace-new-name", name: news.name, changed } : { kind: "replace-same-name", changed };
}

/** A replacement under a generated name takes a fresh one; called by check when it sees such a replacement. */
export function withFreshName(news: ManagedHsmInputs): ManagedHsmInputs {
  return { ...news, name: generateName(news.resourceName ?? "hsm", 24) };
}

function retentionDays(deleted: NonNullable<NameFacts["deleted"]>): number {
  return Math.round((Date.parse(deleted.scheduledPurgeDate) - Date.parse(deleted.deletionDate)) / MS_PER_DAY);
}

/** The refusals, each naming the property and the way out. */
export function failures(olds: ManagedHsmInputs | undefined, news: ManagedHsmInputs, plan: Intent, facts: NameFacts, now: number): CheckFailure[] {
  const out: CheckFailure[] = [];
  if (news.initialAdminObjectIds.length === 0) {
    out.push({ property: "initialAdminObjectIds", reason: "couldn't default to the caller's object id; give at least one administrator's object id" });
  }
  if (olds && !isUnknown(news.enablePurgeProtection) && purgeProtectionChangeProblem(olds.enablePurgeProtection, news.enablePurgeProtection)) {
    out.push({ property: "enablePurgeProtection", reason: `${PURGE_PROTECTION_IRREVERSIBLE}; keep enablePurgeProtection: true` });
  }
  if (news.purgeOnDelete === true && news.enablePurgeProtection === true) {
    out.push({
      property: "purgeOnDelete",
      reason: `can't take effect with purge protection on: a purge-protected HSM can't be purged before its scheduled purge date (${news.softDeleteRetentionInDays} days after deletion); remove purgeOnDelete`,
    });
  }
  if (plan.kind === "replace-same-name") {
    const purgeable = olds && !olds.enablePurgeProtection && olds.purgeOnDelete;
    if (!purgeable) {
      const property = plan.changed.find((p) => p !== "name") ?? plan.changed[0]!;
      const freeOn = iso(now + (olds?.softDeleteRetentionInDays ?? 90) * MS_PER_DAY);
      const why = olds?.enablePurgeProtection
        ? "purge protection is on, so the old HSM can't be purged"
        : "the old HSM would only be soft-deleted (purgeOnDelete is not set)";
      out.push({
        property,
        reason:
          `changing ${plan.changed.join(", ")} replaces the HSM, but the name '${news.name}' would stay reserved by the soft-deleted old HSM until about ${freeOn}: ${why}. ` +
          `Ways out: give the HSM a new name (or omit name to let the provider generate one)` +
          (olds?.enablePurgeProtection ? "" : `, or set purgeOnDelete: true and run pulumi up once before this change, so the old HSM is purged before its replacement is created`),
      });
    }
  }
  const creatingUnder = plan.kind === "create" || plan.kind === "replace-new-name" ? plan.name : undefined;
  if (creatingUnder !== undefined && !isUnknown(creatingUnder)) {
    if (facts.live) out.push({ property: "name", reason: `'${creatingUnder}' is already used by another managed HSM; HSM names are unique across Azure, so choose another` });
    const d = facts.deleted;
    if (d && !news.recoverSoftDeleted) {
      out.push({
        property: "name",
        reason:
          `a soft-deleted managed HSM named '${creatingUnder}' holds this name until ${d.scheduledPurgeDate}. ` +
          `Set recoverSoftDeleted: true to recover it, purge it (mhsm keyvault purge --hsm-name ${creatingUnder} --location ${d.location})` +
          `${d.purgeProtectionEnabled ? " once purge protection allows it" : ""}, or choose another name`,
      });
    }
    if (d && news.recoverSoftDeleted) {
      if (!isUnknown(news.location) && d.location !== news.location) {
        out.push({ property: "location", reason: `the soft-deleted HSM '${creatingUnder}' is in '${d.location}' and can only be recovered there` });
      }
      const days = retentionDays(d);
      if (days !== news.softDeleteRetentionInDays) {
        out.push({ property: "softDeleteRetentionInDays", reason: `recovering '${creatingUnder}' brings back its retention of ${days} days, which can't be changed; declare ${days}` });
      }
      if (d.purgeProtectionEnabled && !news.enablePurgeProtection) {
        out.push({ property: "enablePurgeProtection", reason: `recovering '${creatingUnder}' brings back purge protection, which can't be turned off; declare enablePurgeProtection: true` });
      }
    }
  }
  return out;
}

export function diff(olds: ManagedHsmInputs, news: ManagedHsmInputs): DiffResult {
  // Same name on both sides means the old HSM must be purged before its replacement can be created.
  return tableDiff(olds as unknown as Record<string, unknown>, news as unknown as Record<string, unknown>, HSM_TABLE, () => !isUnknown(news.name) && sameName(olds.name, news.name));
}
