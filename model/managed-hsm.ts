import { z } from "zod";
import { SKU_FAMILIES, SKU_NAMES, SOFT_DELETE_RETENTION_DAYS } from "./limits";

/** Zod schemas of the control plane's ManagedHsm shapes (Microsoft.KeyVault/managedHSMs). */

export const Guid = z.guid({ message: "must be a GUID such as 00000000-0000-0000-0000-000000000000" });

export const Tags = z.record(
  z.string().min(1, "tag names must not be empty").max(512, "tag names are at most 512 characters"),
  z.string().max(256, "tag values are at most 256 characters"),
);

export const Sku = z.object({
  family: z.enum(SKU_FAMILIES, { message: `must be one of ${SKU_FAMILIES.join(", ")}` }),
  name: z.enum(SKU_NAMES, { message: `must be one of ${SKU_NAMES.join(", ")}` }),
});
export type Sku = z.infer<typeof Sku>;

export const SoftDeleteRetentionInDays = z
  .number({ message: "must be a whole number of days" })
  .int("must be a whole number of days")
  .min(SOFT_DELETE_RETENTION_DAYS.min, `must be between ${SOFT_DELETE_RETENTION_DAYS.min} and ${SOFT_DELETE_RETENTION_DAYS.max} days`)
  .max(SOFT_DELETE_RETENTION_DAYS.max, `must be between ${SOFT_DELETE_RETENTION_DAYS.min} and ${SOFT_DELETE_RETENTION_DAYS.max} days`);

export const PUBLIC_NETWORK_ACCESS = ["Enabled", "Disabled"] as const;
export const PublicNetworkAccess = z.enum(PUBLIC_NETWORK_ACCESS, { message: "must be Enabled or Disabled" });

export const NetworkAcls = z.object({
  bypass: z.enum(["AzureServices", "None"], { message: "must be AzureServices or None" }).optional(),
  defaultAction: z.enum(["Allow", "Deny"], { message: "must be Allow or Deny" }).optional(),
  ipRules: z.array(z.object({ value: z.string().min(1) })).optional(),
  serviceTags: z.array(z.object({ tag: z.string().min(1) })).optional(),
  virtualNetworkRules: z.array(z.object({ id: z.string().min(1) })).optional(),
});
export type NetworkAcls = z.infer<typeof NetworkAcls>;

/** `createMode` is case-insensitive on the wire: the Azure CLI sends "Recover". */
export const CreateMode = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.enum(["default", "recover"], { message: "must be default or recover" }));

export const PROVISIONING_STATES = [
  "Succeeded",
  "Provisioning",
  "Failed",
  "Updating",
  "Deleting",
  "Activated",
  "SecurityDomainRestore",
  "Restoring",
] as const;
export type ProvisioningState = (typeof PROVISIONING_STATES)[number];

/**
 * What a client may send in `properties`. Read-only fields are accepted and ignored because Azure's CLI
 * does GET-modify-PUT and echoes them back; unknown fields are dropped, as ARM does.
 */
export const ManagedHsmPropertiesInput = z.object({
  tenantId: Guid.optional(),
  initialAdminObjectIds: z.array(Guid).optional(),
  enableSoftDelete: z.boolean({ message: "must be a boolean" }).optional(),
  softDeleteRetentionInDays: SoftDeleteRetentionInDays.optional(),
  enablePurgeProtection: z.boolean({ message: "must be a boolean" }).optional(),
  createMode: CreateMode.optional(),
  publicNetworkAccess: PublicNetworkAccess.optional(),
  networkAcls: NetworkAcls.optional(),
  regions: z.array(z.object({ name: z.string().min(1), isPrimary: z.boolean().optional() })).optional(),
});
export type ManagedHsmPropertiesInput = z.infer<typeof ManagedHsmPropertiesInput>;

export const ManagedHsmPutBody = z.object({
  location: z.string({ message: "is required" }).min(1, "is required"),
  sku: Sku.optional(),
  tags: Tags.optional(),
  properties: ManagedHsmPropertiesInput.optional(),
});
export type ManagedHsmPutBody = z.infer<typeof ManagedHsmPutBody>;

/** PATCH merges what it is given; every field is optional. */
export const ManagedHsmPatchBody = z.object({
  location: z.string().min(1).optional(),
  sku: Sku.optional(),
  tags: Tags.optional(),
  properties: ManagedHsmPropertiesInput.optional(),
});
export type ManagedHsmPatchBody = z.infer<typeof ManagedHsmPatchBody>;

export const SystemData = z.object({
  createdBy: z.string().optional(),
  createdByType: z.string().optional(),
  createdAt: z.string().optional(),
  lastModifiedBy: z.string().optional(),
  lastModifiedByType: z.string().optional(),
  lastModifiedAt: z.string().optional(),
});

export const ManagedHsmResource = z.object({
  id: z.string(),
  name: z.string(),
  type: z.literal("Microsoft.KeyVault/managedHSMs"),
  location: z.string(),
  sku: Sku,
  tags: Tags,
  systemData: SystemData.optional(),
  properties: z.object({
    tenantId: z.string(),
    initialAdminObjectIds: z.array(z.string()),
    hsmUri: z.string().optional(),
    enableSoftDelete: z.boolean(),
    softDeleteRetentionInDays: z.number(),
    enablePurgeProtection: z.boolean(),
    provisioningState: z.enum(PROVISIONING_STATES),
    statusMessage: z.string().optional(),
    publicNetworkAccess: PublicNetworkAccess,
    networkAcls: NetworkAcls.optional(),
    regions: z.array(z.object({ name: z.string(), isPrimary: z.boolean(), provisioningState: z.string() })).optional(),
    securityDomainProperties: z
      .object({ activationStatus: z.string(), activationStatusMessage: z.string() })
      .optional(),
    scheduledPurgeDate: z.string().optional(),
  }),
});
export type ManagedHsmResource = z.infer<typeof ManagedHsmResource>;

export const DeletedManagedHsmResource = z.object({
  id: z.string(),
  name: z.string(),
  type: z.literal("Microsoft.KeyVault/deletedManagedHSMs"),
  properties: z.object({
    mhsmId: z.string(),
    location: z.string(),
    deletionDate: z.string(),
    scheduledPurgeDate: z.string(),
    purgeProtectionEnabled: z.boolean(),
    tags: Tags,
  }),
});
export type DeletedManagedHsmResource = z.infer<typeof DeletedManagedHsmResource>;

export function listResult<T extends z.ZodTypeAny>(item: T) {
  return z.object({ value: z.array(item), nextLink: z.string().optional() });
}

export const CheckNameRequest = z.object({
  name: z.string({ message: "is required" }),
  type: z.string().optional(),
});

export const CheckNameResult = z.object({
  nameAvailable: z.boolean(),
  reason: z.enum(["AccountNameInvalid", "AlreadyExists"]).optional(),
  message: z.string().optional(),
});
export type CheckNameResult = z.infer<typeof CheckNameResult>;
