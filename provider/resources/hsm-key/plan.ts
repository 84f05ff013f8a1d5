import type { CheckFailure, DiffResult } from "@pulumi/pulumi/dynamic";
import { MS_PER_DAY } from "../../../model/limits";
import { defaultKeyOps, hsmKeyType, isPurgeable, resolveKeySpec } from "../../../model/keys";
import { changedProperties, generateName, isUnknown, iso, tableDiff } from "../common";
import { type HsmKeyArgs, type HsmKeyInputs, KEY_TABLE } from "./args";

export function normalize(args: HsmKeyArgs, olds: HsmKeyInputs | undefined): HsmKeyInputs {
  const resolved = resolveKeySpec(args.kty, args.keySize, args.curve);
  const spec = "spec" in resolved ? resolved.spec : { kty: hsmKeyType(args.kty) };
  const keepName = olds?.autonamed && args.name === undefined;
  const hsmUri = isUnknown(args.hsmUri) ? args.hsmUri : `${args.hsmUri.replace(/\/+$/, "")}/`;
  return {
    ...(args.resourceName !== undefined ? { resourceName: args.resourceName } : {}),
    hsmUri,
    name: args.name ?? (keepName ? olds!.name : generateName(args.resourceName ?? "key", 127)),
    autonamed: args.name === undefined,
    kty: spec.kty,
    ...(spec.keySize !== undefined ? { keySize: spec.keySize } : {}),
    ...(spec.curve !== undefined ? { curve: spec.curve } : {}),
    keyOps: args.keyOps ?? defaultKeyOps(spec.kty),
    enabled: args.enabled ?? true,
    ...(args.notBefore !== undefined ? { notBefore: isUnknown(args.notBefore) ? args.notBefore : new Date(args.notBefore).toISOString() } : {}),
    ...(args.expires !== undefined ? { expires: isUnknown(args.expires) ? args.expires : new Date(args.expires).toISOString() } : {}),
    tags: args.tags ?? {},
    recoverSoftDeleted: args.recoverSoftDeleted ?? false,
    purgeOnDelete: args.purgeOnDelete ?? false,
  };
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export type KeyIntent = { kind: "create" } | { kind: "update" } | { kind: "replace-new-name"; changed: string[] } | { kind: "replace-same-name"; changed: string[] };

export function intent(olds: HsmKeyInputs | undefined, news: HsmKeyInputs): KeyIntent {
  if (!olds) return { kind: "create" };
  const changed = changedProperties(olds as unknown as Record<string, unknown>, news as unknown as Record<string, unknown>, KEY_TABLE.replace);
  if (changed.length === 0) return { kind: "update" };
  if (news.autonamed && olds.autonamed) return { kind: "replace-new-name", changed };
  const sameHome = !isUnknown(news.hsmUri) && !isUnknown(news.name) && same(olds.hsmUri, news.hsmUri) && same(olds.name, news.name);
  return sameHome ? { kind: "replace-same-name", changed } : { kind: "replace-new-name", changed };
}

/** What the HSM says: the key as it is now (for a replacement), and what holds the name (for a create). */
export interface KeyFacts {
  current?: { recoveryLevel: string; recoverableDays: number };
  deleted?: { scheduledPurgeDate: number; kty: string; keySize?: number; curve?: string };
  live?: boolean;
}

export function failures(olds: HsmKeyInputs | undefined, news: HsmKeyInputs, plan: KeyIntent, facts: KeyFacts, now: number): CheckFailure[] {
  const out: CheckFailure[] = [];
  if (news.purgeOnDelete && facts.current && !isPurgeable(facts.current.recoveryLevel)) {
    out.push({ property: "purgeOnDelete", reason: `can't take effect: the HSM has purge protection (recovery level ${facts.current.recoveryLevel}), so a deleted key can't be purged before its scheduled purge date; remove purgeOnDelete` });
  }
  if (plan.kind === "replace-same-name") {
    const purgeable = olds?.purgeOnDelete && facts.current && isPurgeable(facts.current.recoveryLevel);
    if (!purgeable) {
      const days = facts.current?.recoverableDays ?? 90;
      const why = facts.current && !isPurgeable(facts.current.recoveryLevel) ? "the HSM has purge protection, so the old key can't be purged" : "the old key would only be soft-deleted (purgeOnDelete is not set)";
      out.push({
        property: plan.changed.find((p) => p !== "name") ?? plan.changed[0]!,
        reason:
          `changing ${plan.changed.join(", ")} replaces the key, but the name '${news.name}' would stay reserved by the soft-deleted old key until about ${iso(now + days * MS_PER_DAY)}: ${why}. ` +
          `Ways out: give the key a new name (or omit name to let the provider generate one)` +
          (facts.current && !isPurgeable(facts.current.recoveryLevel) ? "" : ", or set purgeOnDelete: true and run pulumi up once before this change (purging needs the Managed HSM Crypto Officer role)"),
      });
    }
  }
  if (plan.kind === "create" || plan.kind === "replace-new-name") {
    if (facts.live) out.push({ property: "name", reason: `a key named '${news.name}' already exists in this HSM and is not managed by this stack; choose another name` });
    const d = facts.deleted;
    if (d && !news.recoverSoftDeleted) {
      out.push({
        property: "name",
        reason: `a soft-deleted key named '${news.name}' holds this name until ${iso(d.scheduledPurgeDate * 1000)}. Set recoverSoftDeleted: true to recover it, purge it (mhsm keyvault key purge --hsm-name <hsm> --name ${news.name}), or choose another name`,
      });
    }
    if (d && news.recoverSoftDeleted) {
      const mismatch = [
        d.kty !== news.kty ? `kty ${d.kty}` : undefined,
        d.keySize !== undefined && news.keySize !== undefined && d.keySize !== news.keySize ? `keySize ${d.keySize}` : undefined,
        d.curve !== undefined && d.curve !== news.curve ? `curve ${d.curve}` : undefined,
      ].filter((x): x is string => x !== undefined);
      if (mismatch.length) out.push({ property: "kty", reason: `recovering '${news.name}' brings back a key with ${mismatch.join(", ")}, which can't change; declare the same, or choose another name` });
    }
  }
  return out;
}

export function diff(olds: HsmKeyInputs, news: HsmKeyInputs): DiffResult {
  return tableDiff(olds as unknown as Record<string, unknown>, news as unknown as Record<string, unknown>, KEY_TABLE, () => !isUnknown(news.name) && same(olds.name, news.name) && same(olds.hsmUri, news.hsmUri));
}

export function withFreshName(news: HsmKeyInputs): HsmKeyInputs {
  return { ...news, name: generateName(news.resourceName ?? "key", 127) };
}
