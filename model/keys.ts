import { z } from "zod";
import { EC_CURVES, OCT_KEY_SIZES, RSA_KEY_SIZES } from "./limits";
import { Tags } from "./managed-hsm";

/** Zod schemas of the data plane's key shapes (Key Vault keys API, as Managed HSM serves it). */

export const KEY_TYPES = ["EC", "EC-HSM", "RSA", "RSA-HSM", "oct", "oct-HSM"] as const;
export type KeyType = (typeof KEY_TYPES)[number];
/** What Managed HSM stores: every key is HSM-backed, so `RSA` is answered as `RSA-HSM`, and so on. */
export type HsmKeyType = "RSA-HSM" | "EC-HSM" | "oct-HSM";
export type KeyFamily = "RSA" | "EC" | "oct";
export type Curve = (typeof EC_CURVES)[number];

export const KEY_OPERATIONS = ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey", "import", "export"] as const;
export type KeyOperation = (typeof KEY_OPERATIONS)[number];

export const KeyOps = z.array(z.enum(KEY_OPERATIONS, { message: `must each be one of ${KEY_OPERATIONS.join(", ")}` }));

const UnixSeconds = z.number({ message: "must be a unix time in seconds" }).int("must be a whole number of seconds");

export const KeyAttributesInput = z.object({
  enabled: z.boolean({ message: "must be a boolean" }).optional(),
  nbf: UnixSeconds.optional(),
  exp: UnixSeconds.optional(),
  exportable: z.boolean({ message: "must be a boolean" }).optional(),
});

export const KeyCreateBody = z.object({
  kty: z.enum(KEY_TYPES, { message: `must be one of ${KEY_TYPES.join(", ")}` }),
  key_size: z.number({ message: "must be a number" }).int("must be a whole number").optional(),
  public_exponent: z.number().int().optional(),
  key_ops: KeyOps.optional(),
  attributes: KeyAttributesInput.optional(),
  tags: Tags.optional(),
  crv: z.enum(EC_CURVES, { message: `must be one of ${EC_CURVES.join(", ")}` }).optional(),
});
export type KeyCreateBody = z.infer<typeof KeyCreateBody>;

export const KeyUpdateBody = z.object({
  key_ops: KeyOps.optional(),
  attributes: KeyAttributesInput.optional(),
  tags: Tags.optional(),
});
export type KeyUpdateBody = z.infer<typeof KeyUpdateBody>;

export function keyFamily(kty: KeyType): KeyFamily {
  if (kty.startsWith("RSA")) return "RSA";
  if (kty.startsWith("EC")) return "EC";
  return "oct";
}

export function hsmKeyType(kty: KeyType): HsmKeyType {
  return `${keyFamily(kty)}-HSM` as HsmKeyType;
}

export interface KeySpec {
  kty: HsmKeyType;
  keySize?: number;
  curve?: Curve;
}

/**
 * The cross-field rule on a key's type, size and curve, with Managed HSM's defaults filled in. Both the
 * emulator (on create) and the provider (at check) use it, so a key the provider accepts is one the
 * service accepts.
 */
export function resolveKeySpec(
  kty: KeyType,
  keySize: number | undefined,
  curve: Curve | undefined,
): { spec: KeySpec } | { problem: { field: "key_size" | "crv"; rule: string } } {
  const family = keyFamily(kty);
  const type = hsmKeyType(kty);
  if (family === "EC") {
    if (keySize !== undefined) return { problem: { field: "key_size", rule: "is not used with EC keys; choose a curve (crv) instead" } };
    return { spec: { kty: type, curve: curve ?? "P-256" } };
  }
  if (curve !== undefined) return { problem: { field: "crv", rule: `is only used with EC keys, not ${type}` } };
  const allowed: readonly number[] = family === "RSA" ? RSA_KEY_SIZES : OCT_KEY_SIZES;
  const size = keySize ?? (family === "RSA" ? 2048 : 256);
  if (!allowed.includes(size)) {
    return { problem: { field: "key_size", rule: `must be one of ${allowed.join(", ")} for ${type}, not ${size}` } };
  }
  return { spec: { kty: type, keySize: size } };
}

/** Operations a new key allows when none are given: all that its type supports. */
export function defaultKeyOps(kty: HsmKeyType): KeyOperation[] {
  switch (kty) {
    case "RSA-HSM":
      return ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"];
    case "EC-HSM":
      return ["sign", "verify"];
    case "oct-HSM":
      return ["encrypt", "decrypt", "wrapKey", "unwrapKey"];
  }
}

/** Whether a recovery level lets a deleted object be purged before its scheduled purge date. */
export function isPurgeable(level: string | undefined): boolean {
  return level !== undefined && level.endsWith("+Purgeable");
}

export const RECOVERY_LEVELS = [
  "Recoverable+Purgeable",
  "Recoverable",
  "CustomizedRecoverable+Purgeable",
  "CustomizedRecoverable",
] as const;
export type RecoveryLevel = (typeof RECOVERY_LEVELS)[number];

export const JsonWebKey = z.object({
  kid: z.string(),
  kty: z.string(),
  key_ops: z.array(z.string()),
  n: z.string().optional(),
  e: z.string().optional(),
  crv: z.string().optional(),
  x: z.string().optional(),
  y: z.string().optional(),
});
export type JsonWebKey = z.infer<typeof JsonWebKey>;

export const KeyAttributes = z.object({
  enabled: z.boolean(),
  nbf: z.number().optional(),
  exp: z.number().optional(),
  created: z.number(),
  updated: z.number(),
  recoveryLevel: z.enum(RECOVERY_LEVELS),
  recoverableDays: z.number(),
  exportable: z.boolean(),
  hsmPlatform: z.string().optional(),
});
export type KeyAttributes = z.infer<typeof KeyAttributes>;

export const KeyBundle = z.object({
  key: JsonWebKey,
  attributes: KeyAttributes,
  tags: Tags.optional(),
  managed: z.boolean().optional(),
});
export type KeyBundle = z.infer<typeof KeyBundle>;

/** What a soft-deleted key adds to its bundle or list entry: where to recover it from, and its dates. */
const Deletion = {
  recoveryId: z.string(),
  deletedDate: z.number(),
  scheduledPurgeDate: z.number(),
};

export const DeletedKeyBundle = KeyBundle.extend(Deletion);
export type DeletedKeyBundle = z.infer<typeof DeletedKeyBundle>;

export const KeyItem = z.object({
  kid: z.string(),
  attributes: KeyAttributes,
  tags: Tags.optional(),
  managed: z.boolean().optional(),
});
export type KeyItem = z.infer<typeof KeyItem>;

export const DeletedKeyItem = KeyItem.extend(Deletion);
export type DeletedKeyItem = z.infer<typeof DeletedKeyItem>;
