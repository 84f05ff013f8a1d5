import * as pulumi from "@pulumi/pulumi";
import { HsmKey, HsmRoleAssignment, ManagedHsm } from "pulumi-managed-hsm";

// A key's delete is a soft-delete: its name stays taken. Set `keyPresent: false` and run `pulumi up` to
// delete it; set it back to true with `recoverKey: true` to get the same key (same versions, same material)
// back instead of failing on the reserved name.
const config = new pulumi.Config();
const me = config.get("adminObjectId") ?? "33333333-3333-3333-3333-333333333333";
const keyPresent = config.getBoolean("keyPresent") ?? true;
const recoverKey = config.getBoolean("recoverKey") ?? false;

const hsm = new ManagedHsm("vault", { resourceGroupName: "rg-recover", location: "westeurope", softDeleteRetentionInDays: 7, initialAdminObjectIds: [me] });
const user = new HsmRoleAssignment("crypto-user", { hsmUri: hsm.hsmUri, roleDefinitionName: "Managed HSM Crypto User", principalId: me });
// Recovering a deleted key needs Crypto Officer.
const officer = new HsmRoleAssignment("crypto-officer", { hsmUri: hsm.hsmUri, roleDefinitionName: "Managed HSM Crypto Officer", principalId: me });

export const hsmUri = hsm.hsmUri;
export const kid = keyPresent
  ? new HsmKey("customer-data", { hsmUri: hsm.hsmUri, name: "customer-data", kty: "RSA-HSM", keySize: 2048, recoverSoftDeleted: recoverKey }, { dependsOn: [user, officer] }).kid
  : undefined;
