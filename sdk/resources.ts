import * as pulumi from "@pulumi/pulumi";
import type { SKU_NAMES } from "../model/limits";
import type { Curve, KeyOperation } from "../model/keys";
import type { NetworkAcls } from "../model/managed-hsm";
import { HsmKeyProvider, HsmRoleAssignmentProvider, ManagedHsmProvider } from "../provider/providers";

/** The module of the resources' type tokens: `pulumi-nodejs:dynamic/mhsm:ManagedHsm` and so on. */
export const RESOURCE_MODULE = "mhsm";

export interface ManagedHsmArgs {
  /** The HSM's name (3 to 24 characters). Omit it to let the provider generate one from the resource name, which lets replacements proceed. */
  name?: pulumi.Input<string>;
  resourceGroupName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  /** Defaults to the `mhsm:subscriptionId` config. */
  subscriptionId?: pulumi.Input<string>;
  /** Defaults to the `mhsm:tenantId` config. */
  tenantId?: pulumi.Input<string>;
  /** Default Standard_B1. Changing it replaces the HSM. */
  sku?: pulumi.Input<(typeof SKU_NAMES)[number]>;
  /** Default: the caller's object id. Changing it replaces the HSM. */
  initialAdminObjectIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** 7 to 90, default 90; fixed at creation, so a change replaces the HSM or is refused at preview. */
  softDeleteRetentionInDays?: pulumi.Input<number>;
  /** Default false. May go from false to true; true to false is refused at preview. */
  enablePurgeProtection?: pulumi.Input<boolean>;
  publicNetworkAccess?: pulumi.Input<"Enabled" | "Disabled">;
  networkAcls?: pulumi.Input<NetworkAcls>;
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** When a soft-deleted HSM holds the name, recover it instead of failing. Default false. */
  recoverSoftDeleted?: pulumi.Input<boolean>;
  /** Purge the HSM after deleting it (impossible with purge protection). Default false: delete is a soft-delete. */
  purgeOnDelete?: pulumi.Input<boolean>;
}

/** An Azure Managed HSM. Delete is a soft-delete; see the README for what preview refuses and why. */
export class ManagedHsm extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly autonamed: pulumi.Output<boolean>;
  declare readonly resourceGroupName: pulumi.Output<string>;
  declare readonly location: pulumi.Output<string>;
  declare readonly subscriptionId: pulumi.Output<string>;
  declare readonly tenantId: pulumi.Output<string>;
  declare readonly sku: pulumi.Output<string>;
  declare readonly initialAdminObjectIds: pulumi.Output<string[]>;
  declare readonly softDeleteRetentionInDays: pulumi.Output<number>;
  declare readonly enablePurgeProtection: pulumi.Output<boolean>;
  declare readonly publicNetworkAccess: pulumi.Output<string>;
  declare readonly networkAcls: pulumi.Output<NetworkAcls | undefined>;
  declare readonly tags: pulumi.Output<Record<string, string>>;
  declare readonly recoverSoftDeleted: pulumi.Output<boolean>;
  declare readonly purgeOnDelete: pulumi.Output<boolean>;
  /** The data plane's URI, `https://{name}.managedhsm.azure.net/` in Azure. */
  declare readonly hsmUri: pulumi.Output<string>;
  declare readonly provisioningState: pulumi.Output<string>;
  declare readonly statusMessage: pulumi.Output<string>;

  constructor(name: string, args: ManagedHsmArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      new ManagedHsmProvider(),
      name,
      { resourceName: name, ...args, name: args.name, autonamed: undefined, hsmUri: undefined, provisioningState: undefined, statusMessage: undefined },
      opts,
      RESOURCE_MODULE,
      "ManagedHsm",
    );
  }
}

export interface HsmKeyArgs {
  /** The HSM's data-plane URI, for example a ManagedHsm's `hsmUri`. */
  hsmUri: pulumi.Input<string>;
  /** Omit it to let the provider generate one. */
  name?: pulumi.Input<string>;
  kty: pulumi.Input<"RSA-HSM" | "EC-HSM" | "oct-HSM" | "RSA" | "EC" | "oct">;
  /** RSA: 2048 (default), 3072, 4096. oct: 128, 192, 256 (default). */
  keySize?: pulumi.Input<number>;
  /** EC: P-256 (default), P-384, P-521, P-256K. */
  curve?: pulumi.Input<Curve>;
  keyOps?: pulumi.Input<pulumi.Input<KeyOperation>[]>;
  enabled?: pulumi.Input<boolean>;
  /** ISO-8601 dates. */
  notBefore?: pulumi.Input<string>;
  expires?: pulumi.Input<string>;
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** When a soft-deleted key holds the name, recover it instead of failing. */
  recoverSoftDeleted?: pulumi.Input<boolean>;
  /** Purge the key after deleting it (needs Managed HSM Crypto Officer, and no purge protection). */
  purgeOnDelete?: pulumi.Input<boolean>;
}

/** A key in a Managed HSM. Delete is a soft-delete. */
export class HsmKey extends pulumi.dynamic.Resource {
  declare readonly hsmUri: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly kty: pulumi.Output<string>;
  declare readonly keySize: pulumi.Output<number | undefined>;
  declare readonly curve: pulumi.Output<string | undefined>;
  declare readonly keyOps: pulumi.Output<string[]>;
  declare readonly enabled: pulumi.Output<boolean>;
  declare readonly notBefore: pulumi.Output<string | undefined>;
  declare readonly expires: pulumi.Output<string | undefined>;
  declare readonly tags: pulumi.Output<Record<string, string>>;
  /** The key's id with its current version: `{hsmUri}keys/{name}/{version}`. */
  declare readonly kid: pulumi.Output<string>;
  declare readonly version: pulumi.Output<string>;
  declare readonly recoveryLevel: pulumi.Output<string>;
  declare readonly recoverableDays: pulumi.Output<number>;
  /** Public JWK parts: n and e for RSA, x and y for EC. */
  declare readonly n: pulumi.Output<string | undefined>;
  declare readonly e: pulumi.Output<string | undefined>;
  declare readonly x: pulumi.Output<string | undefined>;
  declare readonly y: pulumi.Output<string | undefined>;

  constructor(name: string, args: HsmKeyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      new HsmKeyProvider(),
      name,
      { resourceName: name, ...args, name: args.name, kid: undefined, version: undefined, recoveryLevel: undefined, recoverableDays: undefined, n: undefined, e: undefined, x: undefined, y: undefined },
      opts,
      RESOURCE_MODULE,
      "HsmKey",
    );
  }
}

export interface HsmRoleAssignmentArgs {
  hsmUri: pulumi.Input<string>;
  /** A built-in role by name, such as "Managed HSM Crypto User"; or give roleDefinitionId. */
  roleDefinitionName?: pulumi.Input<string>;
  roleDefinitionId?: pulumi.Input<string>;
  principalId: pulumi.Input<string>;
  /** "/", "/keys" or "/keys/{name}"; default "/". */
  scope?: pulumi.Input<string>;
  /** The assignment's GUID; generated when omitted. */
  name?: pulumi.Input<string>;
}

/** A role assignment in a Managed HSM's local RBAC, for example Crypto User for the identity that creates keys. */
export class HsmRoleAssignment extends pulumi.dynamic.Resource {
  declare readonly hsmUri: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly roleDefinitionId: pulumi.Output<string>;
  declare readonly roleDefinitionName: pulumi.Output<string>;
  declare readonly principalId: pulumi.Output<string>;
  declare readonly scope: pulumi.Output<string>;

  constructor(name: string, args: HsmRoleAssignmentArgs, opts?: pulumi.CustomResourceOptions) {
    super(new HsmRoleAssignmentProvider(), name, { resourceName: name, ...args, name: args.name, roleDefinitionName: args.roleDefinitionName }, opts, RESOURCE_MODULE, "HsmRoleAssignment");
  }
}
