import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { SOFT_DELETE_RETENTION_DAYS } from "../../model/limits";
import { hsmKeyType, resolveKeySpec } from "../../model/keys";
import { findRole } from "../../model/roles";
import { DEFAULTS } from "../../provider/resources/managed-hsm/args";

/**
 * Guardrails for ManagedHsm, HsmKey and HsmRoleAssignment, for `pulumi preview --policy-pack`. Resources are
 * recognised by their dynamic type token, and omitted inputs are judged by the provider's own defaults, so
 * "purge protection left out" is the same as "purge protection false".
 */

export const RESOURCE_TYPES = {
  managedHsm: "pulumi-nodejs:dynamic/mhsm:ManagedHsm",
  hsmKey: "pulumi-nodejs:dynamic/mhsm:HsmKey",
  hsmRoleAssignment: "pulumi-nodejs:dynamic/mhsm:HsmRoleAssignment",
} as const;

const DAY_MS = 86_400_000;

export const purgeProtectionRequired: ResourceValidationPolicy = {
  name: "mhsm-purge-protection-required",
  description: "Managed HSMs must have purge protection, so that no one can purge a deleted HSM or key before its retention period ends.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== RESOURCE_TYPES.managedHsm) return;
    if ((args.props.enablePurgeProtection ?? DEFAULTS.enablePurgeProtection) !== true) {
      reportViolation("enablePurgeProtection must be true: without it, a deleted HSM can be purged at once and its keys are lost for good. Note that it can't be turned off once on.");
    }
  },
};

export const minimumRetention: ResourceValidationPolicy = {
  name: "mhsm-minimum-retention",
  description: "Managed HSMs must keep soft-deleted objects recoverable for at least `minDays` days.",
  enforcementLevel: "mandatory",
  configSchema: { properties: { minDays: { type: "integer", minimum: SOFT_DELETE_RETENTION_DAYS.min, maximum: SOFT_DELETE_RETENTION_DAYS.max, default: SOFT_DELETE_RETENTION_DAYS.max } } },
  validateResource: (args, reportViolation) => {
    if (args.type !== RESOURCE_TYPES.managedHsm) return;
    const { minDays } = args.getConfig<{ minDays: number }>();
    const days = (args.props.softDeleteRetentionInDays as number | undefined) ?? DEFAULTS.softDeleteRetentionInDays;
    if (days < minDays) {
      reportViolation(`softDeleteRetentionInDays is ${days}; at least ${minDays} is required. Retention is fixed at creation, so an existing HSM must be replaced to change it.`);
    }
  },
};

export const noPurgeOnDelete: ResourceValidationPolicy = {
  name: "mhsm-no-purge-on-delete",
  description: "Neither HSMs nor keys may set purgeOnDelete: a destroy must leave them recoverable.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== RESOURCE_TYPES.managedHsm && args.type !== RESOURCE_TYPES.hsmKey) return;
    if (args.props.purgeOnDelete === true) reportViolation("purgeOnDelete must not be set: deleting would destroy the object for good, with no recovery period.");
  },
};

export const keyExpiryRequired: ResourceValidationPolicy = {
  name: "mhsm-key-expiry-required",
  description: "Keys must expire within `maxLifetimeDays` days.",
  enforcementLevel: "mandatory",
  configSchema: { properties: { maxLifetimeDays: { type: "integer", minimum: 1, default: 365 } } },
  validateResource: (args, reportViolation) => {
    if (args.type !== RESOURCE_TYPES.hsmKey) return;
    const { maxLifetimeDays } = args.getConfig<{ maxLifetimeDays: number }>();
    const expires = args.props.expires as string | undefined;
    if (expires === undefined) return reportViolation(`expires must be set, at most ${maxLifetimeDays} days from now.`);
    const days = (Date.parse(expires) - Date.now()) / DAY_MS;
    if (Number.isNaN(days)) return reportViolation(`expires '${expires}' is not a date.`);
    if (days > maxLifetimeDays) reportViolation(`expires ${expires} is ${Math.ceil(days)} days from now; at most ${maxLifetimeDays} are allowed.`);
  },
};

export const keyStrength: ResourceValidationPolicy = {
  name: "mhsm-key-strength",
  description: "RSA keys must be at least `minRsaKeySize` bits; EC keys must use one of `allowedCurves`.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      minRsaKeySize: { type: "integer", enum: [2048, 3072, 4096], default: 3072 },
      allowedCurves: { type: "array", items: { type: "string", enum: ["P-256", "P-384", "P-521", "P-256K"] }, default: ["P-256", "P-384", "P-521"] },
    },
  },
  validateResource: (args, reportViolation) => {
    if (args.type !== RESOURCE_TYPES.hsmKey) return;
    const { minRsaKeySize, allowedCurves } = args.getConfig<{ minRsaKeySize: number; allowedCurves: string[] }>();
    const kty = args.props.kty as Parameters<typeof hsmKeyType>[0];
    const resolved = resolveKeySpec(kty, args.props.keySize as number | undefined, args.props.curve as never);
    if (!("spec" in resolved)) return; // the provider's check refuses it already
    const spec = resolved.spec;
    if (spec.kty === "RSA-HSM" && (spec.keySize ?? 0) < minRsaKeySize) reportViolation(`RSA keys must be at least ${minRsaKeySize} bits; this one is ${spec.keySize}.`);
    if (spec.kty === "EC-HSM" && !allowedCurves.includes(spec.curve!)) reportViolation(`curve ${spec.curve} is not allowed; use one of ${allowedCurves.join(", ")}.`);
  },
};

const CRYPTO_USER = "21dbd100-6940-42c2-9190-5d6cb909625b";
const CRYPTO_OFFICER = "515eb02d-2335-4d2d-92f2-b1cbdf9c3778";

/** The HSM an assignment belongs to. At preview its URI may be unknown; reading it then skips the policy, as the engine does. */
function hsmKeyOf(r: PolicyResource): string | undefined {
  const uri = r.props.hsmUri as string | undefined;
  return uri?.toLowerCase().replace(/\/+$/, "");
}

export const separationOfDuties: StackValidationPolicy = {
  name: "mhsm-separation-of-duties",
  description: "No principal may hold both Managed HSM Crypto User (delete keys) and Crypto Officer (purge and recover keys) on one HSM, so that no single actor can make data disappear for good.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const roles = new Map<string, { user?: PolicyResource; officer?: PolicyResource }>();
    for (const r of args.resources) {
      if (r.type !== RESOURCE_TYPES.hsmRoleAssignment) continue;
      const role = findRole("data", (r.props.roleDefinitionName ?? r.props.roleDefinitionId) as string);
      if (!role || (role.id !== CRYPTO_USER && role.id !== CRYPTO_OFFICER)) continue;
      const key = `${hsmKeyOf(r)}|${String(r.props.principalId).toLowerCase()}`;
      const entry = roles.get(key) ?? {};
      if (role.id === CRYPTO_USER) entry.user = r;
      else entry.officer = r;
      roles.set(key, entry);
    }
    for (const [key, { user, officer }] of roles) {
      if (user && officer) {
        reportViolation(
          `principal ${key.split("|")[1]} holds both Managed HSM Crypto User ('${user.name}') and Crypto Officer ('${officer.name}') on ${key.split("|")[0]}: whoever can delete keys must not also be able to purge them.`,
          officer.urn,
        );
      }
    }
  },
};

/** Every policy of this package, for `new PolicyPack(name, { policies: mhsmPolicies })`. */
export const mhsmPolicies = [purgeProtectionRequired, minimumRetention, noPurgeOnDelete, keyExpiryRequired, keyStrength, separationOfDuties];
