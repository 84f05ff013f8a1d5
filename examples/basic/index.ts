import * as pulumi from "@pulumi/pulumi";
import { HsmKey, HsmRoleAssignment, ManagedHsm } from "pulumi-managed-hsm";

// An HSM, the roles its deployer needs to manage keys, and two keys.
const config = new pulumi.Config();
// Who runs this program: the emulator's default identity unless told otherwise.
const me = config.get("adminObjectId") ?? "33333333-3333-3333-3333-333333333333";
// Set `hsmName` for a fixed name; set `recover: true` to get soft-deleted HSMs and keys back after a destroy.
const hsmName = config.get("hsmName");
const recover = config.getBoolean("recover") ?? false;

const hsm = new ManagedHsm("payments", {
  ...(hsmName ? { name: hsmName } : {}),
  recoverSoftDeleted: recover,
  resourceGroupName: "rg-payments",
  location: "westeurope",
  softDeleteRetentionInDays: config.getNumber("retentionDays") ?? 7,
  initialAdminObjectIds: [me],
  tags: { env: config.get("env") ?? "dev" },
});

// The initial administrator manages roles, not keys: Crypto User creates and deletes keys, Crypto Officer
// recovers and purges them.
const cryptoUser = new HsmRoleAssignment("crypto-user", { hsmUri: hsm.hsmUri, roleDefinitionName: "Managed HSM Crypto User", principalId: me });
const cryptoOfficer = new HsmRoleAssignment("crypto-officer", { hsmUri: hsm.hsmUri, roleDefinitionName: "Managed HSM Crypto Officer", principalId: me });

const signing = new HsmKey("signing", { hsmUri: hsm.hsmUri, name: "signing", kty: "EC-HSM", curve: "P-256", tags: { use: "signing" }, recoverSoftDeleted: recover }, { dependsOn: [cryptoUser, cryptoOfficer] });
const wrapping = new HsmKey("wrapping", { hsmUri: hsm.hsmUri, name: "wrapping", kty: "RSA-HSM", keySize: 3072, keyOps: ["wrapKey", "unwrapKey"], recoverSoftDeleted: recover }, { dependsOn: [cryptoUser, cryptoOfficer] });

export const hsmName = hsm.name;
export const hsmUri = hsm.hsmUri;
export const signingKid = signing.kid;
export const wrappingKid = wrapping.kid;
