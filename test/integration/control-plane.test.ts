import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorProcess, startEmulatorProcess, stopAllEmulators } from "../support/emulator-process";
import { ARM_API, AzureRest, hsmName } from "../support/azure";
import { request } from "../support/http";

let emu: EmulatorProcess;

beforeAll(async () => {
  emu = await startEmulatorProcess({ inMemory: true });
});
afterAll(stopAllEmulators);

describe("managed HSM create, get, update", () => {
  it("creates with Azure's defaults: retention 90, purge protection off, Standard_B1, soft-delete on", async () => {
    const az = new AzureRest(emu);
    const name = hsmName();
    const put = await az.putHsm(name);
    expect(put.status).toBe(200);
    const got = await az.getHsm(name);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      name,
      type: "Microsoft.KeyVault/managedHSMs",
      location: "westeurope",
      sku: { family: "B", name: "Standard_B1" },
      properties: {
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        enablePurgeProtection: false,
        provisioningState: "Succeeded",
        hsmUri: `${emu.hsmBase(name)}/`,
        publicNetworkAccess: "Enabled",
      },
    });
    expect(got.body.id).toBe(`/subscriptions/${az.sub}/resourceGroups/${az.rg}/providers/Microsoft.KeyVault/managedHSMs/${name}`);
  });

  it("refuses enableSoftDelete false", async () => {
    const az = new AzureRest(emu);
    const res = await az.putHsm(hsmName(), { enableSoftDelete: false });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("BadRequest");
    expect(res.body.error.message).toMatch(/soft-delete .* can't be disabled/);
  });

  it.each([6, 91, 0, -1, 30.5])("refuses retention %s outside 7 to 90 days, naming the range", async (days) => {
    const az = new AzureRest(emu);
    const res = await az.putHsm(hsmName(), { softDeleteRetentionInDays: days });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("properties.softDeleteRetentionInDays");
  });

  it("fixes retention at creation: PUT and PATCH changing it are refused, the same value is accepted", async () => {
    const az = new AzureRest(emu);
    const name = hsmName();
    await az.putHsm(name, { softDeleteRetentionInDays: 30 });
    const patch = await az.patchHsm(name, { properties: { softDeleteRetentionInDays: 60 } });
    expect(patch.status).toBe(400);
    expect(patch.body.error.message).toMatch(/softDeleteRetentionInDays has been set to 30 already and can't be modified/);
    const put = await az.putHsm(name, { softDeleteRetentionInDays: 7 });
    expect(put.status).toBe(400);
    const same = await az.patchHsm(name, { properties: { softDeleteRetentionInDays: 30 } });
    expect(same.status).toBe(200);
    expect((await az.getHsm(name)).body.properties.softDeleteRetentionInDays).toBe(30);
  });

  it("lets purge protection go from off to on (PATCH and PUT) and never back", async () => {
    const az = new AzureRest(emu);
    const a = hsmName();
    await az.putHsm(a);
    const on = await az.patchHsm(a, { properties: { enablePurgeProtection: true } });
    expect(on.status).toBe(200);
    expect(on.body.properties.enablePurgeProtection).toBe(true);
    const off = await az.patchHsm(a, { properties: { enablePurgeProtection: false } });
    expect(off.status).toBe(400);
    expect(off.body.error.message).toMatch(/purge protection can't be disabled once it has been enabled/);
    const offByPut = await az.putHsm(a, { enablePurgeProtection: false });
    expect(offByPut.status).toBe(400);
    expect((await az.getHsm(a)).body.properties.enablePurgeProtection).toBe(true);

    const b = hsmName();
    await az.putHsm(b);
    const onByPut = await az.putHsm(b, { enablePurgeProtection: true });
    expect(onByPut.status).toBe(200);
    expect(onByPut.body.properties.enablePurgeProtection).toBe(true);
  });

  it("updates tags and network settings in place", async () => {
    const az = new AzureRest(emu);
    const name = hsmName();
    await az.putHsm(name, {}, { tags: { env: "dev" } });
    const res = await az.patchHsm(name, { tags: { env: "prod", team: "platform" }, properties: { publicNetworkAccess: "Disabled" } });
    expect(res.status).toBe(200);
    expect(res.body.tags).toEqual({ env: "prod", team: "platform" });
    expect(res.body.properties.publicNetworkAccess).toBe("Disabled");
  });

  it("refuses a name used by a live HSM in another subscription: names are global", async () => {
    const name = hsmName();
    expect((await new AzureRest(emu).putHsm(name)).status).toBe(200);
    const other = await new AzureRest(emu).putHsm(name);
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe("ConflictError");
    expect(other.body.error.message).toMatch(/already in use/);
  });

  it("lists by resource group and by subscription, with paging", async () => {
    const az = new AzureRest(emu);
    const names = [hsmName(), hsmName(), hsmName()];
    for (const n of names) await az.putHsm(n);
    const other = new AzureRest(emu, az.sub, "rg-other");
    await other.putHsm(hsmName());
    const byRg = await request("GET", `${emu.endpoint}/subscriptions/${az.sub}/resourceGroups/${az.rg}/providers/Microsoft.KeyVault/managedHSMs?${ARM_API}`);
    expect(byRg.body.value.map((h: { name: string }) => h.name).sort()).toEqual([...names].sort());
    const firstPage = await request("GET", `${emu.endpoint}/subscriptions/${az.sub}/providers/Microsoft.KeyVault/managedHSMs?${ARM_API}&$top=2`);
    expect(firstPage.body.value).toHaveLength(2);
    expect(firstPage.body.nextLink).toContain("$skiptoken=2");
    const secondPage = await request("GET", firstPage.body.nextLink);
    expect(secondPage.body.value).toHaveLength(2);
    expect(secondPage.body.nextLink).toBeUndefined();
  });

  it("answers name availability for free, invalid, live and soft-deleted names", async () => {
    const az = new AzureRest(emu);
    const check = (name: string) =>
      request("POST", `${emu.endpoint}/subscriptions/${az.sub}/providers/Microsoft.KeyVault/checkMhsmNameAvailability?${ARM_API}`, { body: { name } });
    const live = hsmName();
    await az.putHsm(live);
    const deleted = hsmName();
    await az.putHsm(deleted);
    await az.deleteHsm(deleted);
    expect((await check(hsmName())).body).toEqual({ nameAvailable: true });
    expect((await check("1bad")).body).toMatchObject({ nameAvailable: false, reason: "AccountNameInvalid" });
    expect((await check("a--b")).body).toMatchObject({ nameAvailable: false, reason: "AccountNameInvalid" });
    expect((await check(live)).body).toMatchObject({ nameAvailable: false, reason: "AlreadyExists" });
    const softDeleted = await check(deleted);
    expect(softDeleted.body).toMatchObject({ nameAvailable: false, reason: "AlreadyExists" });
    expect(softDeleted.body.message).toMatch(/soft-deleted/);
  });
});

describe("soft-delete, recover and purge of HSMs", () => {
  it("delete is a soft-delete: the HSM is gone from get and list, listed as deleted with its dates", async () => {
    const az = new AzureRest(emu);
    const name = hsmName();
    await az.putHsm(name, { softDeleteRetentionInDays: 10 }, { tags: { owner: "me" } });
    const del = await az.deleteHsm(name);
    expect(del.status).toBe(200);
    expect((await az.getHsm(name)).status).toBe(404);
    expect((await az.getHsm(name)).body.error.code).toBe("ResourceNotFound");
    const list = await az.listDeleted();
    const entry = list.body.value.find((d: { name: string }) => d.name === name);
    expect(entry).toMatchObject({
      type: "Microsoft.KeyVault/deletedManagedHSMs",
      properties: { location: "westeurope", purgeProtectionEnabled: false, tags: { owner: "me" } },
    });
    const span = Date.parse(entry.properties.scheduledPurgeDate) - Date.parse(entry.properties.deletionDate);
    expect(span).toBe(10 * 86_400_000);
    const shown = await az.getDeleted(name);
    expect(shown.status).toBe(200);
    expect(shown.body.properties.mhsmId).toBe(`/subscriptions/${az.sub}/resourceGroups/${az.rg}/providers/Microsoft.KeyVault/managedHSMs/${name}`);
    expect((await az.deleteHsm(name)).status).toBe(204);
  });

  it("a soft-deleted name can't be reused by anyone, and the error says how to get out", async () => {
    const az = new AzureRest(emu);
    const name = hsmName();
    await az.putHsm(name);
    await az.deleteHsm(name);
    for (const who of [az, new AzureRest(emu)]) {
      const res = await who.putHsm(name);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe("ConflictError");
      expect(res.body.error.message).toMatch(/already exists in a deleted state/);
      expect(res.body.error.message).toMatch(/recover it/);
      expect(res.body.error.message).toMatch(/purge it/);
    }
  });

  it("a soft-deleted HSM can only be listed, shown, recovered or purged", async () => {
    const az = new AzureRest(emu);
    const name = hsmName();
    await az.putHsm(name);
    await az.deleteHsm(name);
    expect((await az.getHsm(name)).status).toBe(404);
    expect((await az.patchHsm(name, { tags: { a: "b" } })).status).toBe(404);
    expect((await request("POST", az.key(name, `/keys/k/create`), { body: { kty: "EC-HSM" } })).status).toBe(404);
  });

  it("recover brings the HSM back whole, with its settings, in the same or another resource group", async () => {
    const az = new AzureRest(emu);
    const name = hsmName();
    await az.putHsm(name, { softDeleteRetentionInDays: 14, enablePurgeProtection: true }, { tags: { t: "1" } });
    await az.deleteHsm(name);
    const recovered = await az.recover(name, "rg-restored");
    expect(recovered.status).toBe(200);
    expect(recovered.body.properties).toMatchObject({ softDeleteRetentionInDays: 14, enablePurgeProtection: true, provisioningState: "Succeeded" });
    expect(recovered.body.tags).toEqual({ t: "1" });
    expect(recovered.body.id).toContain("/resourceGroups/rg-restored/");
    expect((await az.getDeleted(name)).status).toBe(404);
    expect((await request("GET", az.hsmPath(name, "rg-restored"))).status).toBe(200);
  });

  it("accepts the Azure CLI's capitalised createMode 'Recover', and refuses recovering what isn't deleted", async () => {
    const az = new AzureRest(emu);
    const name = hsmName();
    await az.putHsm(name);
    const notDeleted = await request("PUT", az.hsmPath(name), { body: { location: "westeurope", properties: { createMode: "Recover" } } });
    expect(notDeleted.status).toBe(409);
    await az.deleteHsm(name);
    const res = await request("PUT", az.hsmPath(name), { body: { location: "westeurope", properties: { createMode: "Recover" } } });
    expect(res.status).toBe(200);
    const missing = await az.recover(hsmName());
    expect(missing.status).toBe(404);
  });

  it("purge deletes for good and frees the name", async () => {
    const az = new AzureRest(emu);
    const name = hsmName();
    await az.putHsm(name);
    await az.deleteHsm(name);
    const purge = await az.purge(name);
    expect(purge.status).toBe(202);
    expect(purge.headers.location).toMatch(/\/locations\/westeurope\/managedHsmOperationResults\//);
    expect((await az.poll(purge)).status).toBe(200);
    expect((await az.getDeleted(name)).status).toBe(404);
    expect((await az.putHsm(name)).status).toBe(200);
  });

  it("purge of a live or unknown HSM, or in the wrong location, is not found", async () => {
    const az = new AzureRest(emu);
    const name = hsmName();
    await az.putHsm(name);
    expect((await az.purge(name)).status).toBe(404);
    await az.deleteHsm(name);
    expect((await az.purge(name, "eastus")).status).toBe(404);
    expect((await az.purge(hsmName())).status).toBe(404);
  });

  it("purge protection: purge refused (403, with the date) until the scheduled purge date, then the HSM is purged by itself", async () => {
    const emuClock = await startEmulatorProcess({ inMemory: true });
    const az = new AzureRest(emuClock);
    const name = hsmName();
    await az.putHsm(name, { softDeleteRetentionInDays: 7, enablePurgeProtection: true });
    await az.deleteHsm(name);
    const scheduled = (await az.getDeleted(name)).body.properties.scheduledPurgeDate as string;
    const refused = await az.purge(name);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("Forbidden");
    expect(refused.body.error.message).toContain(scheduled);
    expect((await az.advanceClock({ advanceDays: 6 })).status).toBe(200);
    expect((await az.purge(name)).status).toBe(403);
    expect((await az.putHsm(name)).status).toBe(409);
    await az.advanceClock({ advanceDays: 1, advanceSeconds: 1 });
    expect((await az.getDeleted(name)).status).toBe(404);
    expect((await az.listDeleted()).body.value).toHaveLength(0);
    expect((await az.putHsm(name)).status).toBe(200);
    await emuClock.stop();
  });

  it("usage: a soft-deleted HSM keeps accruing billable hours until it is purged", async () => {
    const emuUsage = await startEmulatorProcess({ inMemory: true });
    const az = new AzureRest(emuUsage);
    const name = hsmName();
    await az.putHsm(name, { softDeleteRetentionInDays: 7 });
    await az.advanceClock({ advanceSeconds: 10 * 3600 });
    await az.deleteHsm(name);
    await az.advanceClock({ advanceSeconds: 5 * 3600 });
    const usage = await request("GET", `${emuUsage.endpoint}/_emulator/usage`);
    const entry = usage.body.value.find((u: { name: string }) => u.name === name);
    expect(entry.state).toBe("softDeleted");
    expect(entry.liveHours).toBeCloseTo(10, 1);
    expect(entry.softDeletedHours).toBeCloseTo(5, 1);
    await az.advanceClock({ advanceDays: 7 });
    const after = (await request("GET", `${emuUsage.endpoint}/_emulator/usage`)).body.value.find((u: { name: string }) => u.name === name);
    expect(after.state).toBe("purged");
    expect(after.softDeletedHours).toBeCloseTo(7 * 24, 1);
    expect(after.billableHours).toBeCloseTo(10 + 7 * 24, 1);
    await emuUsage.stop();
  });
});

describe("long-running operations", () => {
  it("moves provisioningState through Provisioning, Updating and Deleting, answering polls with 202 until done", async () => {
    const slow = await startEmulatorProcess({ inMemory: true, provisioningDelay: "600ms" });
    const az = new AzureRest(slow);
    const name = hsmName();
    const put = await az.putHsm(name);
    expect(put.status).toBe(202);
    expect(put.headers["retry-after"]).toBe("1");
    expect(put.body.properties.provisioningState).toBe("Provisioning");
    expect((await az.getHsm(name)).body.properties.provisioningState).toBe("Provisioning");
    const pollNow = await request("GET", put.headers.location as string);
    expect(pollNow.status).toBe(202);
    const done = await az.poll(put);
    expect(done.status).toBe(200);
    expect(done.body.properties.provisioningState).toBe("Succeeded");

    const patch = await az.patchHsm(name, { tags: { a: "b" } });
    expect(patch.status).toBe(202);
    expect(patch.body.properties.provisioningState).toBe("Updating");
    const conflicting = await az.patchHsm(name, { tags: { a: "c" } });
    expect(conflicting.status).toBe(409);
    await az.poll(patch);

    const del = await az.deleteHsm(name);
    expect(del.status).toBe(202);
    expect((await az.getHsm(name)).body.properties.provisioningState).toBe("Deleting");
    expect((await az.poll(del)).status).toBe(200);
    expect((await az.getHsm(name)).status).toBe(404);
    expect((await az.getDeleted(name)).status).toBe(200);
    await slow.stop();
  });
});
