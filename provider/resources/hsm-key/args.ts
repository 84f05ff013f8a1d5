import { z } from "zod";
import { EC_CURVES } from "../../../model/limits";
import { type Curve, type HsmKeyType, KEY_TYPES, type KeyOperation, KeyOps, resolveKeySpec } from "../../../model/keys";
import { Tags } from "../../../model/managed-hsm";
import { KeyName } from "../../../model/names";
import { isUnknown } from "../common";

const IsoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO-8601 date such as 2027-01-01T00:00:00Z");

/** An HsmKey's inputs as a program writes them. */
export const HsmKeyFields = z
  .object({
    resourceName: z.string().optional(),
    hsmUri: z.url({ message: "must be the HSM's URI, such as a ManagedHsm's hsmUri output" }),
    name: KeyName.optional(),
    kty: z.enum(KEY_TYPES, { message: `must be one of ${KEY_TYPES.join(", ")}` }),
    keySize: z.number({ message: "must be a number" }).int("must be a whole number").optional(),
    curve: z.enum(EC_CURVES, { message: `must be one of ${EC_CURVES.join(", ")}` }).optional(),
    keyOps: KeyOps.optional(),
    enabled: z.boolean({ message: "must be a boolean" }).optional(),
    notBefore: IsoDate.optional(),
    expires: IsoDate.optional(),
    tags: Tags.optional(),
    recoverSoftDeleted: z.boolean({ message: "must be a boolean" }).optional(),
    purgeOnDelete: z.boolean({ message: "must be a boolean" }).optional(),
  })
  .strict();
export type HsmKeyArgs = z.infer<typeof HsmKeyFields>;

/** The cross-field rules: the type, size and curve Managed HSM accepts together (shared with the emulator), and dates in order. */
export function refineKeyArgs(a: HsmKeyArgs, ctx: z.RefinementCtx): void {
  if (![a.kty, a.keySize, a.curve].some(isUnknown)) {
    const resolved = resolveKeySpec(a.kty, a.keySize, a.curve);
    if ("problem" in resolved) ctx.addIssue({ code: "custom", path: [resolved.problem.field === "key_size" ? "keySize" : "curve"], message: resolved.problem.rule });
  }
  if (a.notBefore && a.expires && !isUnknown(a.notBefore) && !isUnknown(a.expires) && Date.parse(a.notBefore) >= Date.parse(a.expires)) {
    ctx.addIssue({ code: "custom", path: ["expires"], message: "must be after notBefore" });
  }
}

export interface HsmKeyInputs {
  resourceName?: string;
  hsmUri: string;
  name: string;
  autonamed: boolean;
  kty: HsmKeyType;
  keySize?: number;
  curve?: Curve;
  keyOps: KeyOperation[];
  enabled: boolean;
  notBefore?: string;
  expires?: string;
  tags: Record<string, string>;
  recoverSoftDeleted: boolean;
  purgeOnDelete: boolean;
}

export interface HsmKeyOutputs extends HsmKeyInputs {
  kid: string;
  version: string;
  recoveryLevel: string;
  recoverableDays: number;
  n?: string;
  e?: string;
  x?: string;
  y?: string;
}

/** The replace-or-reject table for keys: a key's type, size, curve, name and HSM are fixed. */
export const KEY_TABLE = {
  inPlace: ["keyOps", "enabled", "notBefore", "expires", "tags", "recoverSoftDeleted", "purgeOnDelete"],
  replace: ["hsmUri", "name", "kty", "keySize", "curve"],
} as const;
