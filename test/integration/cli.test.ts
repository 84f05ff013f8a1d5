import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorProcess, MHSM_BIN, startEmulatorProcess, stopAllEmulators, tempDir } from "../support/emulator-process";

/** The built `mhsm` binary as a child process against a real emulator, walking the seed's Azure CLI commands in order. */

let emu: EmulatorProcess;
let env: NodeJS.ProcessEnv;
const ME = "33333333-3333-3333-3333-333333333333";
const HSM = `cli-${process.pid}`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  json: any;
}

function mhsm(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MHSM_BIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("exit", (code) => {
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code: code ?? -1, stdout, stderr, json });
    });
  });
}

beforeAll(async () => {
  emu = await startEmulatorProcess({ secure: true, inMemory: true, provisioningDelay: "300ms" });
  const caFile = path.join(tempDir(), "ca.pem");
  fs.writeFileSync(caFile, emu.ca!);
  env = { ...process.env, MHSM_ENDPOINT: emu.endpoint, MHSM_CA_CERT: caFile, MHSM_SUBSCRIPTION_ID: "00000000-0000-0000-0000-0000000000c1" };
});
afterAll(stopAllEmulators);

describe("the seed's commands, in order", () => {
  it("create, show status, role assignments, the four key commands, purge protection, delete, list-deleted, recover, purge", async () => {
    const created = await mhsm("keyvault", "create", "--hsm-name", HSM, "-g", "rg-cli", "-l", "westeurope", "--administrators", ME, "--retention-days", "7");
    expect(created.code, created.stderr).toBe(0);
    expect(created.json.properties.provisioningState).toBe("Succeeded");

    // az keyvault show --hsm-name: soft-delete and purge-protection status
    const shown = await mhsm("keyvault", "show", "--hsm-name", HSM);
    expect(shown.json.properties).toMatchObject({ enableSoftDelete: true, softDeleteRetentionInDays: 7, enablePurgeProtection: false });

    for (const role of ["Managed HSM Crypto User", "Managed HSM Crypto Officer"]) {
      const r = await mhsm("keyvault", "role", "assignment", "create", "--hsm-name", HSM, "--role", role, "--assignee-object-id", ME, "--scope", "/");
      expect(r.code, r.stderr).toBe(0);
    }
    const roles = await mhsm("keyvault", "role", "assignment", "list", "--hsm-name", HSM, "-o", "table");
    expect(roles.stdout).toMatch(/Managed HSM Administrator/);
    expect(roles.stdout).toMatch(/Managed HSM Crypto Officer/);

    const key = await mhsm("keyvault", "key", "create", "--hsm-name", HSM, "--name", "k1", "--kty", "EC-HSM", "--curve", "P-256", "--ops", "sign", "verify");
    expect(key.json.key).toMatchObject({ kty: "EC-HSM", crv: "P-256", key_ops: ["sign", "verify"] });
    // az keyvault key delete / list-deleted / recover / purge
    expect((await mhsm("keyvault", "key", "delete", "--hsm-name", HSM, "--name", "k1")).json.recoveryId).toMatch(/\/deletedkeys\/k1$/);
    const deletedKeys = await mhsm("keyvault", "key", "list-deleted", "--hsm-name", HSM, "-o", "table");
    expect(deletedKeys.stdout).toMatch(/^Name +DeletedDate +ScheduledPurgeDate +RecoveryId$/m);
    expect(deletedKeys.stdout).toMatch(/^k1 +\d{4}-\d\d-\d\dT.* +\d{4}-\d\d-\d\dT/m);
    expect((await mhsm("keyvault", "key", "recover", "--hsm-name", HSM, "--name", "k1")).code).toBe(0);
    expect((await mhsm("keyvault", "key", "show", "--hsm-name", HSM, "--name", "k1")).json.key.kid).toBe(key.json.key.kid);
    await mhsm("keyvault", "key", "delete", "--hsm-name", HSM, "--name", "k1");
    const purgedKey = await mhsm("keyvault", "key", "purge", "--hsm-name", HSM, "--name", "k1");
    expect(purgedKey.code, purgedKey.stderr).toBe(0);
    expect((await mhsm("keyvault", "key", "list-deleted", "--hsm-name", HSM)).json).toEqual([]);

    // az keyvault update-hsm --enable-purge-protection true; and never back
    expect((await mhsm("keyvault", "update-hsm", "--hsm-name", HSM, "--enable-purge-protection", "true")).json.properties.enablePurgeProtection).toBe(true);
    const back = await mhsm("keyvault", "update-hsm", "--hsm-name", HSM, "--enable-purge-protection", "false");
    expect(back.code).toBe(1);
    expect(back.stderr).toMatch(/irreversible/);

    // az keyvault delete, list-deleted --resource-type hsm
    expect((await mhsm("keyvault", "delete", "--hsm-name", HSM)).code).toBe(0);
    const listed = await mhsm("keyvault", "list-deleted", "--resource-type", "hsm");
    expect(listed.json.map((d: { name: string }) => d.name)).toContain(HSM);
    expect(listed.json[0].properties).toMatchObject({ deletionDate: expect.any(String), scheduledPurgeDate: expect.any(String), purgeProtectionEnabled: true });
    expect(listed.stderr).toMatch(/WARNING: a soft-deleted managed HSM still accrues hourly charges/);

    // az keyvault purge under purge protection: refused, with the date
    const refused = await mhsm("keyvault", "purge", "--hsm-name", HSM, "--location", "westeurope");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^ERROR: \(Forbidden\) .*purge protection is enabled.* on \d{4}-\d\d-\d\dT/m);

    // az keyvault recover --hsm-name --location
    const recovered = await mhsm("keyvault", "recover", "--hsm-name", HSM, "--location", "westeurope");
    expect(recovered.code, recovered.stderr).toBe(0);
    expect(recovered.json.id).toContain("/resourceGroups/rg-cli/");

    // A purge that is allowed: another HSM without purge protection
    const other = `${HSM}-b`;
    await mhsm("keyvault", "create", "--hsm-name", other, "-g", "rg-cli", "-l", "westeurope", "--administrators", ME);
    await mhsm("keyvault", "delete", "--hsm-name", other);
    const purged = await mhsm("keyvault", "purge", "--hsm-name", other, "--location", "westeurope");
    expect(purged.code, purged.stderr).toBe(0);
    expect((await mhsm("keyvault", "check-hsm-name", "--hsm-name", other)).json).toEqual({ nameAvailable: true });
  });
});

describe("output formats", () => {
  it("json (default), jsonc, table, tsv and none", async () => {
    const name = `${HSM}-o`;
    await mhsm("keyvault", "create", "--hsm-name", name, "-g", "rg-out", "-l", "westeurope", "--administrators", ME, "-o", "none");
    const json = await mhsm("keyvault", "show", "--hsm-name", name);
    expect(json.json.name).toBe(name);
    const jsonc = await mhsm("keyvault", "show", "--hsm-name", name, "-o", "jsonc");
    expect(jsonc.stdout).toContain("\x1b[");
    expect(JSON.parse(jsonc.stdout.replace(/\x1b\[\d+m/g, "")).name).toBe(name);
    const table = await mhsm("keyvault", "list", "--resource-type", "hsm", "-g", "rg-out", "-o", "table");
    expect(table.stdout.split("\n")[0]).toMatch(/^Name +ResourceGroup +Location +ProvisioningState +PurgeProtection +SoftDeleteRetentionInDays +HsmUri$/);
    expect(table.stdout.split("\n")[1]).toMatch(/^-+ +-+/);
    const tsv = await mhsm("keyvault", "show", "--hsm-name", name, "-o", "tsv");
    expect(tsv.stdout).toBe(`${name}\trg-out\twesteurope\tSucceeded\tfalse\t90\t${emu.hsmBase(name)}/\n`);
    const none = await mhsm("keyvault", "show", "--hsm-name", name, "-o", "none");
    expect(none).toMatchObject({ code: 0, stdout: "" });
  });

  it("--no-wait returns before a long-running operation ends, with no progress output when piped", async () => {
    const name = `${HSM}-w`;
    const created = await mhsm("keyvault", "create", "--hsm-name", name, "-g", "rg-w", "-l", "westeurope", "--administrators", ME, "--no-wait");
    expect(created.json.properties.provisioningState).toBe("Provisioning");
    expect(created.stderr).toBe("");
  });
});

describe("the control plane's roles and the emulator's clock", () => {
  it("mhsm role assignment create, list, delete", async () => {
    const scope = "/subscriptions/00000000-0000-0000-0000-0000000000c1/resourceGroups/rg-cli";
    const principal = "44444444-4444-4444-4444-444444444444";
    const made = await mhsm("role", "assignment", "create", "--role", "Reader", "--assignee-object-id", principal, "--scope", scope);
    expect(made.code, made.stderr).toBe(0);
    const listed = await mhsm("role", "assignment", "list", "--scope", scope, "--assignee-object-id", principal, "-o", "table");
    expect(listed.stdout).toMatch(/Reader +44444444-4444-4444-4444-444444444444 +\/subscriptions\//);
    const removed = await mhsm("role", "assignment", "delete", "--role", "Reader", "--assignee-object-id", principal, "--scope", scope);
    expect(removed.json).toHaveLength(1);
    expect((await mhsm("role", "assignment", "list", "--scope", scope, "--assignee-object-id", principal)).json).toEqual([]);
  });

  it("mhsm emulator clock reads and advances emulated time", async () => {
    const before = Date.parse((await mhsm("emulator", "clock")).json.now);
    const after = Date.parse((await mhsm("emulator", "clock", "--advance", "2d")).json.now);
    expect(after - before).toBeGreaterThanOrEqual(2 * 86_400_000);
  });
});

describe("usage errors, as az words them", () => {
  it.each([
    [["keyvault", "show"], /^ERROR: the following arguments are required: --hsm-name/],
    [["keyvault", "show", "--hsm-name", "x", "--bogus"], /^ERROR: unrecognized arguments: --bogus/],
    [["keyvault", "show", "--hsm-name", "x", "-o", "yaml"], /^ERROR: option '-o, --output <format>' argument 'yaml' is invalid. Allowed choices are json, jsonc, table, tsv, none/],
    [["keyvault", "create", "--hsm-name", "x", "-g", "rg", "-l", "l", "--administrators", ME, "--retention-days", "soon"], /'soon' is not a whole number/],
    [["keyvault", "nosuch"], /unknown command 'nosuch'/],
  ])("%j", async (args, message) => {
    const r = await mhsm(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/Try 'mhsm keyvault.* --help' for more information/);
  });

  it("a missing HSM is Azure's error and exit 1", async () => {
    const r = await mhsm("keyvault", "show", "--hsm-name", "nosuchhsm", "-g", "rg");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERROR: \(ResourceNotFound\)/);
  });
});
