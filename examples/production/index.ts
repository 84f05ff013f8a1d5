import * as pulumi from "@pulumi/pulumi";
import { HsmKey, HsmRoleAssignment, ManagedHsm } from "pulumi-managed-hsm";

// Production: purge protection on (it can never be turned off), the full 90-day retention, a generated name
// (so a replacement never waits for the old name to free up), and keys that expire.
const config = new pulumi.Config();
const deployer = config.get("deployerObjectId") ?? "33333333-3333-3333-3333-333333333333";
// A fixed date, not "now + N days", so that every preview doesn't see a new value.
const expires = config.get("keyExpires") ?? "2027-10-01T00:00:00Z";

const hsm = new ManagedHsm("prod", {
  resourceGroupName: "rg-prod-keys",
  location: "westeurope",
  softDeleteRetentionInDays: 90,
  // Try `pulumi config set purgeProtection false`: preview refuses it, because purge protection is irreversible.
  enablePurgeProtection: config.getBoolean("purgeProtection") ?? true,
  publicNetworkAccess: "Disabled",
  initialAdminObjectIds: [deployer],
  tags: { env: "prod", owner: "platform" },
});

// The deployer can create and delete keys, but not purge them: purging needs Crypto Officer, held by
// someone else (separation of duties).
const deployerKeys = new HsmRoleAssignment("deployer-crypto-user", { hsmUri: hsm.hsmUri, roleDefinitionName: "Managed HSM Crypto User", principalId: deployer, scope: "/keys" });

const dataKey = new HsmKey("data-encryption", { hsmUri: hsm.hsmUri, kty: "RSA-HSM", keySize: 4096, keyOps: ["wrapKey", "unwrapKey"], expires }, { dependsOn: [deployerKeys] });
const tokens = new HsmKey("token-signing", { hsmUri: hsm.hsmUri, kty: "EC-HSM", curve: "P-384", keyOps: ["sign", "verify"], expires }, { dependsOn: [deployerKeys] });

export const hsmName = hsm.name;
export const recoveryLevel = dataKey.recoveryLevel;
export const keys = [dataKey.kid, tokens.kid];
