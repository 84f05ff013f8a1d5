import type { DeletedManagedHsmResource, ManagedHsmResource } from "../../../model/managed-hsm";
import { armId, deletedArmId, type HsmState, provisioningState, statusMessage } from "../../domain/managed-hsm";
import type { EmulatorUrls } from "../urls";

const iso = (ms: number) => new Date(ms).toISOString();

/** What Azure reports for an HSM created without network rules. */
const defaultNetworkAcls = () => ({ bypass: "AzureServices" as const, defaultAction: "Allow" as const, ipRules: [], virtualNetworkRules: [] });

/** The ManagedHsm resource as ARM returns it; `provisioningState` is truthful at `now`. */
export function presentHsm(state: HsmState, now: number, urls: EmulatorUrls): ManagedHsmResource {
  const provisioning = provisioningState(state, now);
  return {
    id: armId(state),
    name: state.name,
    type: "Microsoft.KeyVault/managedHSMs",
    location: state.location,
    sku: state.sku,
    tags: state.tags,
    systemData: { createdAt: iso(state.createdAt), lastModifiedAt: iso(state.lastModifiedAt) },
    properties: {
      tenantId: state.tenantId,
      initialAdminObjectIds: state.initialAdminObjectIds,
      ...(provisioning !== "Provisioning" ? { hsmUri: urls.hsmUri(state.name) } : {}),
      enableSoftDelete: true,
      softDeleteRetentionInDays: state.softDeleteRetentionInDays,
      enablePurgeProtection: state.enablePurgeProtection,
      provisioningState: provisioning,
      statusMessage: statusMessage(state, now),
      publicNetworkAccess: state.publicNetworkAccess,
      networkAcls: state.networkAcls ?? defaultNetworkAcls(),
      regions: (state.regions ?? [{ name: state.location, isPrimary: true }]).map((r) => ({ ...r, provisioningState: provisioning })),
      // The emulator does not model security-domain activation: its data plane is usable at once.
      securityDomainProperties: { activationStatus: "Active", activationStatusMessage: "Your HSM has been activated and can be used for cryptographic operations." },
    },
  };
}

export function presentDeletedHsm(state: HsmState): DeletedManagedHsmResource {
  if (state.lifecycle.state !== "deleted") throw new Error(`HSM ${state.name} is not deleted`);
  return {
    id: deletedArmId(state.subscriptionId, state.location, state.name),
    name: state.name,
    type: "Microsoft.KeyVault/deletedManagedHSMs",
    properties: {
      mhsmId: armId(state),
      location: state.location,
      deletionDate: iso(state.lifecycle.deletedAt),
      scheduledPurgeDate: iso(state.lifecycle.scheduledPurgeAt),
      purgeProtectionEnabled: state.enablePurgeProtection,
      tags: state.tags,
    },
  };
}
