import { Command, InvalidArgumentError, Option } from "commander";
import { EC_CURVES } from "../../model/limits";
import { KEY_OPERATIONS, KEY_TYPES } from "../../model/keys";
import { resourceGroupOf } from "../../model/names";
import { findRole } from "../../model/roles";
import * as fn from "../functions";
import { type Column, outputOption, subscriptionOption } from "./output";
import { type CommonOptions, action, functionOptions } from "./run";

/**
 * `mhsm keyvault ...`: the Azure CLI's Managed HSM commands, with the same names, flags and output formats,
 * so that replacing `az` with `mhsm` in a script works against the emulator.
 */

const iso = (s: number | undefined) => (s === undefined ? undefined : new Date(s * 1000).toISOString());
const keyName = (kid: string) => kid.split("/keys/")[1]?.split("/")[0] ?? kid;

const HSM_COLUMNS: Column[] = [
  ["Name", (h) => h.name],
  ["ResourceGroup", (h) => resourceGroupOf(h.id)],
  ["Location", (h) => h.location],
  ["ProvisioningState", (h) => h.properties.provisioningState],
  ["PurgeProtection", (h) => h.properties.enablePurgeProtection],
  ["SoftDeleteRetentionInDays", (h) => h.properties.softDeleteRetentionInDays],
  ["HsmUri", (h) => h.properties.hsmUri],
];
const DELETED_HSM_COLUMNS: Column[] = [
  ["Name", (d) => d.name],
  ["Location", (d) => d.properties.location],
  ["DeletionDate", (d) => d.properties.deletionDate],
  ["ScheduledPurgeDate", (d) => d.properties.scheduledPurgeDate],
  ["PurgeProtectionEnabled", (d) => d.properties.purgeProtectionEnabled],
];
const KEY_COLUMNS: Column[] = [
  ["Name", (k) => keyName(k.key?.kid ?? k.kid)],
  ["Kty", (k) => k.key?.kty],
  ["Enabled", (k) => k.attributes.enabled],
  ["RecoveryLevel", (k) => k.attributes.recoveryLevel],
  ["Kid", (k) => k.key?.kid ?? k.kid],
];
const DELETED_KEY_COLUMNS: Column[] = [
  ["Name", (k) => keyName(k.key?.kid ?? k.kid)],
  ["DeletedDate", (k) => iso(k.deletedDate)],
  ["ScheduledPurgeDate", (k) => iso(k.scheduledPurgeDate)],
  ["RecoveryId", (k) => k.recoveryId],
];
export const ROLE_COLUMNS: Column[] = [
  ["Name", (a) => a.name],
  ["Role", (a) => findRole("data", a.properties.roleDefinitionId)?.name ?? findRole("control", a.properties.roleDefinitionId)?.name ?? a.properties.roleDefinitionId],
  ["PrincipalId", (a) => a.properties.principalId],
  ["Scope", (a) => a.properties.scope],
];

const BILLING_NOTE = "a soft-deleted managed HSM still accrues hourly charges until it is purged (at its scheduled purge date, or by `mhsm keyvault purge`).";

type Opts = CommonOptions & Record<string, string | string[] | boolean | undefined>;
const str = (o: Opts, k: string) => o[k] as string;

function bool(value: string): boolean {
  if (/^(true|yes|1)$/i.test(value)) return true;
  if (/^(false|no|0)$/i.test(value)) return false;
  throw new InvalidArgumentError(`'${value}' is not a boolean: use true or false`);
}

function int(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`'${value}' is not a whole number`);
  return Number(value);
}

/** A subcommand with the options every az command has. */
function sub(parent: Command, name: string, description: string): Command {
  return parent.command(name).description(description).addOption(subscriptionOption()).addOption(outputOption());
}

const hsmName = (c: Command) => c.requiredOption("--hsm-name <name>", "name of the managed HSM");
const resourceType = (c: Command) => c.addOption(new Option("--resource-type <type>", "the kind of vault; only hsm is emulated").choices(["hsm"]).default("hsm"));
const noWait = (c: Command) => c.option("--no-wait", "do not wait for the long-running operation to finish");

export function keyvaultCommand(): Command {
  const kv = new Command("keyvault").description("Manage Managed HSMs, their keys and local role assignments (Azure CLI compatible).");

  hsmName(sub(kv, "create", "Create a managed HSM."))
    .requiredOption("-g, --resource-group <group>", "resource group")
    .requiredOption("-l, --location <location>", "location")
    .requiredOption("--administrators <objectIds...>", "object ids of the initial administrators")
    .option("--retention-days <days>", "soft-delete retention, 7 to 90", int, 90)
    .option("--enable-purge-protection <bool>", "turn on purge protection (irreversible)", bool, false)
    .option("--sku <sku>", "Standard_B1, Custom_B32, Custom_B6, Custom_C42 or Custom_C10", "Standard_B1")
    .option("--tags <tags...>", "space-separated tags: key[=value]")
    .option("--no-wait", "do not wait for the long-running operation to finish")
    .action(
      action<Opts>(
        (o) =>
          fn.createManagedHsm(
            {
              name: str(o, "hsmName"),
              resourceGroupName: str(o, "resourceGroup"),
              location: str(o, "location"),
              administrators: o.administrators as string[],
              retentionDays: o.retentionDays as unknown as number,
              enablePurgeProtection: o.enablePurgeProtection as boolean,
              sku: str(o, "sku") as fn.CreateManagedHsmArgs["sku"],
              ...(o.tags ? { tags: Object.fromEntries((o.tags as string[]).map((t) => [t.split("=")[0]!, t.split("=").slice(1).join("=")])) } : {}),
            },
            functionOptions(o),
          ),
        { columns: HSM_COLUMNS, longRunning: true },
      ),
    );

  hsmName(sub(kv, "show", "Show a managed HSM, including its soft-delete and purge-protection settings."))
    .option("-g, --resource-group <group>", "resource group (found by name when omitted)")
    .action(action<Opts>((o) => fn.getManagedHsm(str(o, "hsmName"), o.resourceGroup as string | undefined, functionOptions(o)), { columns: HSM_COLUMNS }));

  resourceType(sub(kv, "list", "List managed HSMs."))
    .option("-g, --resource-group <group>", "only this resource group")
    .action(action<Opts>((o) => fn.listManagedHsms(o.resourceGroup as string | undefined, functionOptions(o)), { columns: HSM_COLUMNS }));

  noWait(hsmName(sub(kv, "delete", "Delete a managed HSM: a soft-delete; the name stays reserved until it is purged.")))
    .option("-g, --resource-group <group>", "resource group (found by name when omitted)")
    .action(action<Opts>((o) => fn.deleteManagedHsm(str(o, "hsmName"), o.resourceGroup as string | undefined, functionOptions(o)), { longRunning: true }));

  resourceType(sub(kv, "list-deleted", "List soft-deleted managed HSMs, with their deletion and scheduled purge dates.")).action(
    action<Opts>((o) => fn.listDeletedManagedHsms(functionOptions(o)), { columns: DELETED_HSM_COLUMNS, notes: (r) => ((r as unknown[]).length ? [BILLING_NOTE] : []) }),
  );

  hsmName(sub(kv, "show-deleted", "Show a soft-deleted managed HSM."))
    .requiredOption("-l, --location <location>", "location of the deleted HSM")
    .action(action<Opts>((o) => fn.getDeletedManagedHsm(str(o, "hsmName"), str(o, "location"), functionOptions(o)), { columns: DELETED_HSM_COLUMNS, notes: () => [BILLING_NOTE] }));

  noWait(hsmName(sub(kv, "recover", "Recover a soft-deleted managed HSM, with its keys and settings.")))
    .requiredOption("-l, --location <location>", "location of the deleted HSM")
    .action(action<Opts>((o) => fn.recoverManagedHsm(str(o, "hsmName"), str(o, "location"), functionOptions(o)), { columns: HSM_COLUMNS, longRunning: true }));

  noWait(hsmName(sub(kv, "purge", "Purge a soft-deleted managed HSM for good; refused under purge protection until its scheduled purge date.")))
    .requiredOption("-l, --location <location>", "location of the deleted HSM")
    .action(action<Opts>((o) => fn.purgeDeletedManagedHsm(str(o, "hsmName"), str(o, "location"), functionOptions(o)), { longRunning: true }));

  noWait(hsmName(sub(kv, "update-hsm", "Update a managed HSM: purge protection (on only), network access, tags.")))
    .option("-g, --resource-group <group>", "resource group (found by name when omitted)")
    .option("--enable-purge-protection <bool>", "turn on purge protection; it can't be turned off", bool)
    .addOption(new Option("--public-network-access <access>", "Enabled or Disabled").choices(["Enabled", "Disabled"]))
    .action(
      action<Opts>(async (o) => {
        if (o.enablePurgeProtection === false) throw Object.assign(new Error("purge protection can't be disabled once it has been enabled: the setting is irreversible"), { code: "BadRequest" });
        return fn.updateManagedHsm(
          str(o, "hsmName"),
          { ...(o.enablePurgeProtection ? { enablePurgeProtection: true as const } : {}), ...(o.publicNetworkAccess ? { publicNetworkAccess: o.publicNetworkAccess as "Enabled" | "Disabled" } : {}) },
          o.resourceGroup as string | undefined,
          functionOptions(o),
        );
      }, { columns: HSM_COLUMNS, longRunning: true }),
    );

  hsmName(sub(kv, "check-hsm-name", "Check whether a managed HSM name is available.")).action(
    action<Opts>((o) => fn.checkHsmNameAvailability(str(o, "hsmName"), functionOptions(o)), {
      columns: [["NameAvailable", (r) => r.nameAvailable], ["Reason", (r) => r.reason], ["Message", (r) => r.message]],
    }),
  );

  kv.addCommand(keyCommand());
  kv.addCommand(localRoleCommand());
  return kv;
}

function keyCommand(): Command {
  const key = new Command("key").description("Manage keys in a managed HSM.");
  const named = (c: Command) => hsmName(c).requiredOption("-n, --name <name>", "name of the key");

  named(sub(key, "create", "Create a key, or a new version of it."))
    .addOption(new Option("--kty <kty>", "key type").choices(KEY_TYPES).default("RSA-HSM"))
    .option("--size <bits>", "RSA: 2048, 3072, 4096; oct: 128, 192, 256", int)
    .addOption(new Option("--curve <curve>", "EC curve").choices(EC_CURVES))
    .addOption(new Option("--ops <ops...>", "permitted operations").choices(KEY_OPERATIONS))
    .option("--disabled <bool>", "create the key disabled", bool)
    .option("--expires <date>", "expiry (ISO-8601)")
    .option("--not-before <date>", "not valid before (ISO-8601)")
    .action(
      action<Opts>(
        (o) =>
          fn.createHsmKey(
            str(o, "hsmName"),
            {
              name: str(o, "name"),
              kty: o.kty as fn.CreateHsmKeyArgs["kty"],
              ...(o.size !== undefined ? { size: o.size as unknown as number } : {}),
              ...(o.curve ? { curve: o.curve as fn.CreateHsmKeyArgs["curve"] } : {}),
              ...(o.ops ? { ops: o.ops as fn.CreateHsmKeyArgs["ops"] } : {}),
              ...(o.disabled !== undefined ? { enabled: !o.disabled } : {}),
              ...(o.expires ? { expires: Math.floor(Date.parse(str(o, "expires")) / 1000) } : {}),
              ...(o.notBefore ? { notBefore: Math.floor(Date.parse(str(o, "notBefore")) / 1000) } : {}),
            },
            functionOptions(o),
          ),
        { columns: KEY_COLUMNS },
      ),
    );
  named(sub(key, "show", "Show a key (its latest version, or --version)."))
    .option("--version <version>", "a version of the key")
    .action(action<Opts>((o) => fn.getHsmKey(str(o, "hsmName"), str(o, "name"), o.version as string | undefined, functionOptions(o)), { columns: KEY_COLUMNS }));
  hsmName(sub(key, "list", "List keys.")).action(action<Opts>((o) => fn.listHsmKeys(str(o, "hsmName"), functionOptions(o)), { columns: KEY_COLUMNS }));
  named(sub(key, "delete", "Delete a key: a soft-delete; its name stays taken until it is purged.")).action(
    action<Opts>((o) => fn.deleteHsmKey(str(o, "hsmName"), str(o, "name"), functionOptions(o)), { columns: DELETED_KEY_COLUMNS }),
  );
  hsmName(sub(key, "list-deleted", "List soft-deleted keys, with their deletion and scheduled purge dates.")).action(
    action<Opts>((o) => fn.listDeletedHsmKeys(str(o, "hsmName"), functionOptions(o)), { columns: DELETED_KEY_COLUMNS }),
  );
  named(sub(key, "show-deleted", "Show a soft-deleted key.")).action(
    action<Opts>((o) => fn.getDeletedHsmKey(str(o, "hsmName"), str(o, "name"), functionOptions(o)), { columns: DELETED_KEY_COLUMNS }),
  );
  named(sub(key, "recover", "Recover a soft-deleted key, with all its versions (needs Managed HSM Crypto Officer).")).action(
    action<Opts>((o) => fn.recoverDeletedHsmKey(str(o, "hsmName"), str(o, "name"), functionOptions(o)), { columns: KEY_COLUMNS }),
  );
  named(sub(key, "purge", "Purge a soft-deleted key for good (needs Managed HSM Crypto Officer; refused under purge protection).")).action(
    action<Opts>((o) => fn.purgeDeletedHsmKey(str(o, "hsmName"), str(o, "name"), functionOptions(o))),
  );
  return key;
}

function localRoleCommand(): Command {
  const role = new Command("role").description("Manage a managed HSM's local role assignments.");
  const assignment = role.command("assignment").description("Role assignments in the HSM's local RBAC.");
  const filters = (c: Command) =>
    c.option("--role <role>", "role name or id, such as \"Managed HSM Crypto User\"").option("--assignee-object-id <id>", "object id of the principal").option("--scope <scope>", "/, /keys or /keys/{name}");
  filters(hsmName(sub(assignment, "create", "Assign a role to a principal.")))
    .option("-n, --name <guid>", "name of the assignment (generated when omitted)")
    .action(
      action<Opts>(
        (o) => {
          for (const required of ["role", "assigneeObjectId", "scope"]) {
            if (!o[required]) throw Object.assign(new Error(`the following arguments are required: --${required.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`), { code: "ArgumentError" });
          }
          return fn.createHsmRoleAssignment(str(o, "hsmName"), { role: str(o, "role"), principalId: str(o, "assigneeObjectId"), scope: str(o, "scope"), ...(o.name ? { name: str(o, "name") } : {}) }, functionOptions(o));
        },
        { columns: ROLE_COLUMNS },
      ),
    );
  filters(hsmName(sub(assignment, "list", "List role assignments."))).action(
    action<Opts>((o) => fn.listHsmRoleAssignments(str(o, "hsmName"), { ...(o.scope ? { scope: str(o, "scope") } : {}), ...(o.assigneeObjectId ? { principalId: str(o, "assigneeObjectId") } : {}), ...(o.role ? { role: str(o, "role") } : {}) }, functionOptions(o)), { columns: ROLE_COLUMNS }),
  );
  filters(hsmName(sub(assignment, "delete", "Delete role assignments by name, or by role, assignee and scope.")))
    .option("-n, --name <guid>", "name of the assignment")
    .action(
      action<Opts>(
        (o) =>
          fn.deleteHsmRoleAssignments(
            str(o, "hsmName"),
            { ...(o.name ? { name: str(o, "name") } : {}), ...(o.scope ? { scope: str(o, "scope") } : {}), ...(o.assigneeObjectId ? { principalId: str(o, "assigneeObjectId") } : {}), ...(o.role ? { role: str(o, "role") } : {}) },
            functionOptions(o),
          ),
        { columns: ROLE_COLUMNS },
      ),
    );
  return role;
}
