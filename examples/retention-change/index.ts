import * as pulumi from "@pulumi/pulumi";
import { ManagedHsm } from "pulumi-managed-hsm";

// Retention is fixed when an HSM is created, so changing it means a new HSM. With a generated name the
// replacement gets a new name and preview shows `+- replace`; with a fixed name (`hsmName`) the old name
// would stay reserved by the soft-deleted HSM, so preview refuses the change and says until when.
const config = new pulumi.Config();
const hsmName = config.get("hsmName");

const hsm = new ManagedHsm("ledger", {
  ...(hsmName ? { name: hsmName } : {}),
  resourceGroupName: "rg-ledger",
  location: "westeurope",
  softDeleteRetentionInDays: config.getNumber("retentionDays") ?? 30,
});

export const name = hsm.name;
export const retention = hsm.softDeleteRetentionInDays;
