import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HsmKeyProvider, HsmRoleAssignmentProvider, ManagedHsmProvider } from "../../provider/providers";
import { type EmulatorProcess, startEmulatorProcess, stopAllEmulators } from "../support/emulator-process";
import { AzureRest, credentialsFor, hsmName } from "../support/azure";
import { type ResourceState, configureRequest, up, upOk } from "../support/provider-steps";

/** The providers' full lifecycles through their own objects, against a real emulator over TLS with tokens. */

const CALLER = "33333333-3333-3333-3333-333333333333";
let emu: EmulatorProcess;
let sub: string;
let rest: AzureRest;

async function providers() {
  const hsm = new ManagedHsmProvider();
  const key = new HsmKeyProvider();
  const role = new HsmRoleAssignmentProvider();
  for (const p of [hsm, key, role]) await p.configure(configureRequest(emu, sub));
  return { hsm, key, role };
}

beforeAll(async () => {
  emu = await startEmulatorProcess({ secure: true, inMemory: true, provisioningDelay: "0" });
  sub = randomUUID();
  rest = new AzureRest(emu, sub, "rg-prov", await credentialsFor(emu));
});
afterAll(stopAllEmulators);

const deletedNames = async () => ((await rest.listDeleted()).body.value as { name: string }[]).map((d) => d.name);

describe("ManagedHsm", () => {
  it("creates with Azure's defaults and the caller as administrator, updates in place, and refuses turning purge protection off", async () => {
    const { hsm } = await providers();
    const name = hsmName("life");
    const created = await upOk(hsm, undefined, { resourceName: "life", name, resourceGroupName: "rg-prov", location: "West Europe" });
    expect(created.kind).toBe("create");
    expect(created.state.id).toBe(`/subscriptions/${sub}/resourceGroups/rg-prov/providers/Microsoft.KeyVault/managedHSMs/${name}`);
    expect(created.state.outputs).toMatchObject({
      name,
      location: "westeurope",
      softDeleteRetentionInDays: 90,
      enablePurgeProtection: false,
      initialAdminObjectIds: [CALLER],
      hsmUri: `${emu.hsmBase(name)}/`,
      provisioningState: "Succeeded",
    });

    const same = await upOk(hsm, created.state, { resourceName: "life", name, resourceGroupName: "rg-prov", location: "westeurope" });
    expect(same.kind).toBe("same");

    const tagged = await upOk(hsm, created.state, { resourceName: "life", name, resourceGroupName: "rg-prov", location: "westeurope", tags: { env: "prod" }, enablePurgeProtection: true });
    expect(tagged.kind).toBe("update");
    const live = (await rest.getHsm(name)).body;
    expect(live.tags).toEqual({ env: "prod" });
    expect(live.properties.enablePurgeProtection).toBe(true);

    const refused = await up(hsm, tagged.state, { resourceName: "life", name, resourceGroupName: "rg-prov", location: "westeurope", tags: { env: "prod" }, enablePurgeProtection: false });
    expect(refused).toEqual({ failures: [{ property: "enablePurgeProtection", reason: expect.stringMatching(/irreversible/) }] });
    expect((await rest.getHsm(name)).body.properties.enablePurgeProtection).toBe(true);
  });

  it("delete is a soft-delete; with recoverSoftDeleted the next create recovers it; without, preview refuses", async () => {
    const { hsm } = await providers();
    const name = hsmName("rec");
    const args = { name, resourceGroupName: "rg-prov", location: "westeurope", softDeleteRetentionInDays: 14, tags: { v: "1" } };
    const first = await upOk(hsm, undefined, args);
    await hsm.delete!(first.state.id, first.state.outputs);
    expect(await deletedNames()).toContain(name);

    const blocked = await up(hsm, undefined, args);
    expect("failures" in blocked && blocked.failures[0]).toMatchObject({ property: "name", reason: expect.stringMatching(/soft-deleted managed HSM .* holds this name until .*recoverSoftDeleted: true/) });

    const wrongRetention = await up(hsm, undefined, { ...args, recoverSoftDeleted: true, softDeleteRetentionInDays: 90 });
    expect("failures" in wrongRetention && wrongRetention.failures[0]!.property).toBe("softDeleteRetentionInDays");

    const recovered = await upOk(hsm, undefined, { ...args, recoverSoftDeleted: true, tags: { v: "2" } });
    expect(recovered.kind).toBe("create");
    expect(await deletedNames()).not.toContain(name);
    expect((await rest.getHsm(name)).body.tags).toEqual({ v: "2" });
  });

  it("purgeOnDelete purges after the soft-delete, freeing the name", async () => {
    const { hsm } = await providers();
    const name = hsmName("purge");
    const made = await upOk(hsm, undefined, { name, resourceGroupName: "rg-prov", location: "westeurope", purgeOnDelete: true });
    await hsm.delete!(made.state.id, made.state.outputs);
    expect(await deletedNames()).not.toContain(name);
    expect((await upOk(hsm, undefined, { name, resourceGroupName: "rg-prov", location: "westeurope" })).kind).toBe("create");
  });

  it("under purge protection: purgeOnDelete is refused at preview, and delete leaves the HSM soft-deleted with its purge date", async () => {
    const { hsm } = await providers();
    const name = hsmName("prot");
    const refused = await up(hsm, undefined, { name, resourceGroupName: "rg-prov", location: "westeurope", enablePurgeProtection: true, purgeOnDelete: true });
    expect("failures" in refused && refused.failures[0]!.property).toBe("purgeOnDelete");
    const made = await upOk(hsm, undefined, { name, resourceGroupName: "rg-prov", location: "westeurope", enablePurgeProtection: true, softDeleteRetentionInDays: 7 });
    const logs: string[] = [];
    const { remove } = await import("../../provider/resources/managed-hsm/operations");
    const { contextFrom } = await import("../../provider/context");
    await remove(contextFrom((k) => configureRequest(emu, sub).config.get(k)), made.state.outputs, (m) => logs.push(m));
    expect(logs.join("\n")).toMatch(new RegExp(`'${name}' is soft-deleted; .* until \\d{4}-.*purge protection`));
    expect((await rest.purge(name)).status).toBe(403);
  });

  it("replaces a retention change: refused under a fixed name, done under a generated one (create first, old one soft-deleted)", async () => {
    const { hsm } = await providers();
    const fixed = hsmName("fix");
    const fixedState = (await upOk(hsm, undefined, { name: fixed, resourceGroupName: "rg-prov", location: "westeurope" })).state;
    const refused = await up(hsm, fixedState, { name: fixed, resourceGroupName: "rg-prov", location: "westeurope", softDeleteRetentionInDays: 30 });
    expect("failures" in refused && refused.failures[0]).toMatchObject({ property: "softDeleteRetentionInDays", reason: expect.stringMatching(/stay reserved .* until about \d{4}-/) });

    const first = await upOk(hsm, undefined, { resourceName: "auto", resourceGroupName: "rg-prov", location: "westeurope" });
    const oldName = first.state.outputs.name as string;
    expect(oldName).toMatch(/^auto-[0-9a-f]{7}$/);
    const replaced = await upOk(hsm, first.state, { resourceName: "auto", resourceGroupName: "rg-prov", location: "westeurope", softDeleteRetentionInDays: 30 });
    expect(replaced).toMatchObject({ kind: "replace", deleteBeforeReplace: false });
    expect(replaced.state.outputs.name).not.toBe(oldName);
    expect((await rest.getHsm(replaced.state.outputs.name as string)).body.properties.softDeleteRetentionInDays).toBe(30);
    expect(await deletedNames()).toContain(oldName);
  });

  it("replaces under the same name when purgeOnDelete was already set: delete, purge, create", async () => {
    const { hsm } = await providers();
    const name = hsmName("same");
    const first = await upOk(hsm, undefined, { name, resourceGroupName: "rg-prov", location: "westeurope", purgeOnDelete: true });
    const replaced = await upOk(hsm, first.state, { name, resourceGroupName: "rg-prov", location: "westeurope", purgeOnDelete: true, softDeleteRetentionInDays: 30 });
    expect(replaced).toMatchObject({ kind: "replace", deleteBeforeReplace: true, replaces: ["softDeleteRetentionInDays"] });
    expect((await rest.getHsm(name)).body.properties.softDeleteRetentionInDays).toBe(30);
  });

  it("refresh: drift in mutable properties is reported; after an out-of-band delete the resource reads as gone", async () => {
    const { hsm } = await providers();
    const name = hsmName("ref");
    const made = await upOk(hsm, undefined, { name, resourceGroupName: "rg-prov", location: "westeurope" });
    await rest.patchHsm(name, { tags: { changed: "outside" } });
    const drift = await hsm.read!(made.state.id, made.state.outputs);
    expect(drift.props).toMatchObject({ tags: { changed: "outside" } });
    await rest.deleteHsm(name);
    expect(await hsm.read!(made.state.id, made.state.outputs)).toEqual({});
    await hsm.delete!(made.state.id, made.state.outputs);
  });

  it("waits for long-running operations: a create with a provisioning delay returns Succeeded", async () => {
    const slow = await startEmulatorProcess({ secure: true, inMemory: true, provisioningDelay: "1500ms" });
    const p = new ManagedHsmProvider();
    await p.configure(configureRequest(slow, sub));
    const name = hsmName("slow");
    const t0 = Date.now();
    const made = await upOk(p, undefined, { name, resourceGroupName: "rg", location: "westeurope" });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1400);
    expect(made.state.outputs.provisioningState).toBe("Succeeded");
    await slow.stop();
  });
});

describe("HsmKey and HsmRoleAssignment", () => {
  async function hsmWithRoles() {
    const ps = await providers();
    const name = hsmName("keys");
    const h = await upOk(ps.hsm, undefined, { name, resourceGroupName: "rg-prov", location: "westeurope", softDeleteRetentionInDays: 7 });
    const hsmUri = h.state.outputs.hsmUri as string;
    const user = await upOk(ps.role, undefined, { resourceName: "user", hsmUri, roleDefinitionName: "Managed HSM Crypto User", principalId: CALLER });
    const officer = await upOk(ps.role, undefined, { resourceName: "officer", hsmUri, roleDefinitionName: "Managed HSM Crypto Officer", principalId: CALLER });
    return { ...ps, name, hsmUri, roles: [user.state, officer.state] as ResourceState[] };
  }

  it("role assignments: created, read, replaced on change (old one first), deleted", async () => {
    const { role, hsmUri } = await hsmWithRoles();
    const other = randomUUID();
    const a = await upOk(role, undefined, { hsmUri, roleDefinitionName: "Managed HSM Crypto Auditor", principalId: other, scope: "/keys" });
    expect(a.state.outputs).toMatchObject({ roleDefinitionId: "2c18b078-7c48-4d3a-af88-5a3a1b3f82b3", scope: "/keys", principalId: other });
    expect((await role.read!(a.state.id, a.state.outputs)).id).toBe(a.state.id);
    const b = await upOk(role, a.state, { hsmUri, roleDefinitionName: "Managed HSM Crypto Auditor", principalId: other, scope: "/" });
    expect(b).toMatchObject({ kind: "replace", deleteBeforeReplace: true });
    expect(await role.read!(a.state.id, a.state.outputs)).toEqual({});
    await role.delete!(b.state.id, b.state.outputs);
    expect(await role.read!(b.state.id, b.state.outputs)).toEqual({});
    const bad = await up(role, undefined, { hsmUri, roleDefinitionName: "Janitor", principalId: other });
    expect("failures" in bad && bad.failures[0]).toMatchObject({ property: "roleDefinitionName", reason: expect.stringMatching(/built-in Managed HSM role/) });
  });

  it("keys: created with real material, updated in place, replaced under a new name, soft-deleted, recovered, purged", async () => {
    const { key, hsmUri } = await hsmWithRoles();
    const k1 = await upOk(key, undefined, { hsmUri, name: "signing", kty: "EC-HSM", tags: { a: "1" } });
    expect(k1.state.outputs).toMatchObject({ kty: "EC-HSM", curve: "P-256", recoveryLevel: "CustomizedRecoverable+Purgeable", recoverableDays: 7 });
    expect(k1.state.outputs.kid).toMatch(new RegExp(`^${hsmUri}keys/signing/[0-9a-f]{32}$`));
    expect(k1.state.outputs.x).toEqual(expect.any(String));

    const k2 = await upOk(key, k1.state, { hsmUri, name: "signing", kty: "EC-HSM", tags: { a: "2" }, enabled: false, expires: "2030-01-01T00:00:00Z" });
    expect(k2.kind).toBe("update");
    const bundle = (await rest.send("GET", `${hsmUri}keys/signing?api-version=7.5`)).body;
    expect(bundle.attributes).toMatchObject({ enabled: false, exp: 1893456000 });

    const sameName = await up(key, k2.state, { hsmUri, name: "signing", kty: "EC-HSM", curve: "P-384" });
    expect("failures" in sameName && sameName.failures[0]).toMatchObject({ property: "curve", reason: expect.stringMatching(/stay reserved/) });

    const renamed = await upOk(key, k2.state, { hsmUri, name: "signing-384", kty: "EC-HSM", curve: "P-384" });
    expect(renamed).toMatchObject({ kind: "replace", deleteBeforeReplace: false });
    expect((await rest.send("GET", `${hsmUri}deletedkeys/signing?api-version=7.5`)).status).toBe(200);

    const blocked = await up(key, undefined, { hsmUri, name: "signing", kty: "EC-HSM" });
    expect("failures" in blocked && blocked.failures[0]!.reason).toMatch(/soft-deleted key named 'signing' holds this name/);
    const back = await upOk(key, undefined, { hsmUri, name: "signing", kty: "EC-HSM", recoverSoftDeleted: true, tags: { back: "yes" } });
    expect(back.state.outputs.tags).toEqual({ back: "yes" });

    const purged = await upOk(key, undefined, { hsmUri, name: "temp", kty: "oct-HSM", purgeOnDelete: true });
    await key.delete!(purged.state.id, purged.state.outputs);
    expect((await rest.send("GET", `${hsmUri}deletedkeys/temp?api-version=7.5`)).status).toBe(404);

    const gone = await upOk(key, undefined, { hsmUri, name: "oob", kty: "RSA-HSM", keySize: 3072 });
    expect(gone.state.outputs.n).toEqual(expect.any(String));
    await rest.send("DELETE", `${hsmUri}keys/oob?api-version=7.5`);
    expect(await key.read!(gone.state.id, gone.state.outputs)).toEqual({});
    await key.delete!(gone.state.id, gone.state.outputs);
  });

  it("a key without the Crypto User role: check lets it through (the role may come in the same update), apply names the role", async () => {
    const { hsm, key } = await providers();
    const name = hsmName("norole");
    const h = await upOk(hsm, undefined, { name, resourceGroupName: "rg-prov", location: "westeurope" });
    const checked = await key.check!({}, { hsmUri: h.state.outputs.hsmUri, name: "k", kty: "EC-HSM" });
    expect(checked.failures ?? []).toEqual([]);
    await expect(key.create(checked.inputs)).rejects.toThrow(/Forbidden: .*Managed HSM Crypto User/);
  });

  it("refuses bad inputs at check, naming the property and the rule", async () => {
    const { hsm, key } = await providers();
    const cases: [typeof hsm, Record<string, unknown>, string, RegExp][] = [
      [hsm, { name: "x", resourceGroupName: "rg", location: "l" }, "name", /3 to 24 characters/],
      [hsm, { resourceGroupName: "rg", location: "l", softDeleteRetentionInDays: 120 }, "softDeleteRetentionInDays", /between 7 and 90/],
      [hsm, { resourceGroupName: "rg", location: "l", softDeleteRetentionDays: 30 }, "softDeleteRetentionDays", /not an input of this resource/],
      [hsm, { location: "l" }, "resourceGroupName", /required/],
      [key, { hsmUri: "https://h.managedhsm.localhost/", kty: "RSA-HSM", curve: "P-256" }, "curve", /only used with EC keys/],
      [key, { hsmUri: "https://h.managedhsm.localhost/", kty: "RSA-HSM", keySize: 1024 }, "keySize", /2048, 3072, 4096/],
      [key, { hsmUri: "not a url", kty: "EC-HSM" }, "hsmUri", /HSM's URI/],
      [key, { hsmUri: "https://h.managedhsm.localhost/", kty: "EC-HSM", notBefore: "2030-01-01", expires: "2029-01-01" }, "expires", /after notBefore/],
    ];
    for (const [provider, args, property, reason] of cases) {
      const r = await provider.check!({}, args);
      expect(r.failures?.[0], JSON.stringify(args)).toMatchObject({ property, reason: expect.stringMatching(reason) });
    }
  });
});
