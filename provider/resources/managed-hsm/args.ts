import { z } from "zod";
import { DEFAULT_PURGE_PROTECTION, SKU_NAMES, SOFT_DELETE_RETENTION_DAYS } from "../../../model/limits";
import { Guid, NetworkAcls, PublicNetworkAccess, SoftDeleteRetentionInDays, Tags } from "../../../model/managed-hsm";
import { HsmName, RESOURCE_GROUP_PATTERN } from "../../../model/names";

/** A ManagedHsm's inputs as a program writes them. Unknown inputs are refused: a typo must not pass silently. */
export const ManagedHsmArgs = z
  .object({
    /** The Pulumi resource name, passed by the resource class; seeds generated names. */
    resourceName: z.string().optional(),
    name: HsmName.optional(),
    resourceGroupName: z.string({ message: "is required" }).regex(RESOURCE_GROUP_PATTERN, "must be 1 to 90 letters, digits, underscores, hyphens, periods or parentheses, not ending in a period"),
    location: z.string({ message: "is required" }).min(1, "is required"),
    subscriptionId: Guid.optional(),
    tenantId: Guid.optional(),
    sku: z.enum(SKU_NAMES, { message: `must be one of ${SKU_NAMES.join(", ")}` }).optional(),
    initialAdminObjectIds: z.array(Guid).min(1, "must name at least one administrator").optional(),
    softDeleteRetentionInDays: SoftDeleteRetentionInDays.optional(),
    enablePurgeProtection: z.boolean({ message: "must be a boolean" }).optional(),
    publicNetworkAccess: PublicNetworkAccess.optional(),
    networkAcls: NetworkAcls.optional(),
    tags: Tags.optional(),
    recoverSoftDeleted: z.boolean({ message: "must be a boolean" }).optional(),
    purgeOnDelete: z.boolean({ message: "must be a boolean" }).optional(),
  })
  .strict();
export type ManagedHsmArgs = z.infer<typeof ManagedHsmArgs>;

/** The inputs after check: every default filled in, so an omitted input and its default never differ. */
export interface ManagedHsmInputs {
  resourceName?: string;
  name: string;
  /** True when the provider generated the name; a replacement then takes a new one. */
  autonamed: boolean;
  resourceGroupName: string;
  location: string;
  subscriptionId: string;
  tenantId: string;
  sku: (typeof SKU_NAMES)[number];
  initialAdminObjectIds: string[];
  softDeleteRetentionInDays: number;
  enablePurgeProtection: boolean;
  publicNetworkAccess: "Enabled" | "Disabled";
  networkAcls?: NetworkAcls;
  tags: Record<string, string>;
  recoverSoftDeleted: boolean;
  purgeOnDelete: boolean;
}

/** The ARM resource id is the Pulumi resource's own id, so it is not repeated here (`id` is reserved). */
export interface ManagedHsmOutputs extends ManagedHsmInputs {
  hsmUri: string;
  provisioningState: string;
  statusMessage: string;
}

export const DEFAULTS = {
  sku: "Standard_B1",
  softDeleteRetentionInDays: SOFT_DELETE_RETENTION_DAYS.default,
  enablePurgeProtection: DEFAULT_PURGE_PROTECTION,
  publicNetworkAccess: "Enabled",
  recoverSoftDeleted: false,
  purgeOnDelete: false,
} as const;

/** The replace-or-reject table of design.md for a ManagedHsm. */
export const HSM_TABLE = {
  inPlace: ["tags", "publicNetworkAccess", "networkAcls", "recoverSoftDeleted", "purgeOnDelete", "enablePurgeProtection"],
  replace: ["softDeleteRetentionInDays", "location", "resourceGroupName", "subscriptionId", "name", "tenantId", "sku", "initialAdminObjectIds"],
} as const;
