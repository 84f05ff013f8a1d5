import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../provider/resources/common";
import { HSM_TABLE, type ManagedHsmArgs, type ManagedHsmInputs } from "../../provider/resources/managed-hsm/args";
import { diff, failures, intent, normalize } from "../../provider/resources/managed-hsm/plan";

const DEFAULTS = { subscriptionId: "00000000-0000-0000-0000-000000000001", tenantId: "11111111-1111-1111-1111-111111111111", callerObjectId: "33333333-3333-3333-3333-333333333333" };
const NOW = Date.parse("2026-11-22T00:00:00Z");
const base: ManagedHsmArgs = { name: "prod-hsm", resourceGroupName: "rg", location: "West Europe" };

const inputs = (args: Partial<ManagedHsmArgs> = {}, olds?: ManagedHsmInputs) => normalize({ ...base, ...args } as ManagedHsmArgs, olds, DEFAULTS);

function plan(oldArgs: Partial<ManagedHsmArgs>, newArgs: Partial<ManagedHsmArgs>) {
  const olds = inputs(oldArgs);
  const news = inputs(newArgs, olds);
  const p = intent(olds, news);
  return { olds, news, intent: p, failures: failures(olds, news, p, {}, NOW), diff: diff(olds, news) };
}

describe("ManagedHsm defaults", () => {
  it("fills Azure's defaults and the caller as administrator", () => {
    expect(inputs()).toEqual({
      name: "prod-hsm",
      autonamed: false,
      resourceGroupName: "rg",
      location: "westeurope",
      subscriptionId: DEFAULTS.subscriptionId,
      tenantId: DEFAULTS.tenantId,
      sku: "Standard_B1",
      initialAdminObjectIds: [DEFAULTS.callerObjectId],
      softDeleteRetentionInDays: 90,
      enablePurgeProtection: false,
      publicNetworkAccess: "Enabled",
      tags: {},
      recoverSoftDeleted: false,
      purgeOnDelete: false,
    });
  });

  it("an omitted input and its default never produce a diff", () => {
    const explicit = inputs({ softDeleteRetentionInDays: 90, enablePurgeProtection: false, sku: "Standard_B1", publicNetworkAccess: "Enabled", tags: {}, purgeOnDelete: false, location: "westeurope" });
    expect(diff(inputs(), explicit)).toEqual({ changes: false });
    expect(diff(explicit, inputs())).toEqual({ changes: false });
  });

  it("keeps a generated name across updates, and marks it generated", () => {
    const first = normalize({ resourceGroupName: "rg", location: "westeurope", resourceName: "payments" } as ManagedHsmArgs, undefined, DEFAULTS);
    expect(first.autonamed).toBe(true);
    expect(first.name).toMatch(/^payments-[0-9a-f]{7}$/);
    const again = normalize({ resourceGroupName: "rg", location: "westeurope", resourceName: "payments", tags: { a: "b" } } as ManagedHsmArgs, first, DEFAULTS);
    expect(again.name).toBe(first.name);
    expect(diff(first, again)).toEqual({ changes: true });
  });

  it("generated names satisfy the HSM name rule even from awkward resource names", () => {
    for (const resourceName of ["1-weird__name!!", "a", "x".repeat(60), "--"]) {
      const n = normalize({ resourceGroupName: "rg", location: "l", resourceName } as ManagedHsmArgs, undefined, DEFAULTS).name;
      expect(n).toMatch(/^[a-zA-Z][-a-zA-Z0-9]{1,22}[a-zA-Z0-9]$/);
      expect(n).not.toContain("--");
    }
  });
});

describe("ManagedHsm replace-or-reject table", () => {
  it.each([
    ["tags", { tags: { env: "prod" } }],
    ["publicNetworkAccess", { publicNetworkAccess: "Disabled" as const }],
    ["networkAcls", { networkAcls: { defaultAction: "Deny" as const } }],
    ["recoverSoftDeleted", { recoverSoftDeleted: true }],
    ["purgeOnDelete", { purgeOnDelete: true }],
    ["enablePurgeProtection", { enablePurgeProtection: true }],
  ])("%s: update in place", (_property, change) => {
    const r = plan({}, change);
    expect(r.failures).toEqual([]);
    expect(r.diff).toEqual({ changes: true });
  });

  it("enablePurgeProtection true to false: refused at check, as irreversible", () => {
    const r = plan({ enablePurgeProtection: true }, { enablePurgeProtection: false });
    expect(r.failures).toEqual([{ property: "enablePurgeProtection", reason: expect.stringMatching(/irreversible/) }]);
  });

  const replacements: [string, Partial<ManagedHsmArgs>][] = [
    ["softDeleteRetentionInDays", { softDeleteRetentionInDays: 30 }],
    ["location", { location: "eastus" }],
    ["resourceGroupName", { resourceGroupName: "rg2" }],
    ["subscriptionId", { subscriptionId: "00000000-0000-0000-0000-000000000002" }],
    ["tenantId", { tenantId: "22222222-2222-2222-2222-222222222222" }],
    ["sku", { sku: "Custom_B32" }],
    ["initialAdminObjectIds", { initialAdminObjectIds: ["44444444-4444-4444-4444-444444444444"] }],
  ];

  it.each(replacements)("%s under the same name: refused, with the date the name frees up and the ways out", (property, change) => {
    const r = plan({}, change);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]!.property).toBe(property);
    expect(r.failures[0]!.reason).toContain(`changing ${property} replaces the HSM`);
    expect(r.failures[0]!.reason).toContain("2027-02-20T00:00:00.000Z");
    expect(r.failures[0]!.reason).toMatch(/give the HSM a new name/);
    expect(r.failures[0]!.reason).toMatch(/set purgeOnDelete: true/);
    expect(r.diff).toEqual({ changes: true, replaces: [property], deleteBeforeReplace: true });
  });

  it.each(replacements)("%s with purge protection: refused, and the purge way out is not offered", (_property, change) => {
    const r = plan({ enablePurgeProtection: true }, { enablePurgeProtection: true, ...change });
    expect(r.failures[0]!.reason).toMatch(/purge protection is on/);
    expect(r.failures[0]!.reason).not.toMatch(/purgeOnDelete/);
  });

  it.each(replacements)("%s with purgeOnDelete already set and no purge protection: replaced, the old one deleted and purged first", (property, change) => {
    const r = plan({ purgeOnDelete: true }, { purgeOnDelete: true, ...change });
    expect(r.failures).toEqual([]);
    expect(r.diff).toEqual({ changes: true, replaces: [property], deleteBeforeReplace: true });
  });

  it("purgeOnDelete set in the same change as a replacement is not enough: the old state decides the delete", () => {
    const r = plan({}, { purgeOnDelete: true, softDeleteRetentionInDays: 30 });
    expect(r.failures[0]!.property).toBe("softDeleteRetentionInDays");
  });

  it.each(replacements)("%s with a generated name: replaced under a new name, create before delete", (property, change) => {
    const olds = normalize({ resourceGroupName: "rg", location: "westeurope", resourceName: "hsm" } as ManagedHsmArgs, undefined, DEFAULTS);
    const newArgs = { resourceGroupName: "rg", location: "westeurope", resourceName: "hsm", ...change } as ManagedHsmArgs;
    const news = normalize(newArgs, olds, DEFAULTS);
    const p = intent(olds, news);
    expect(p.kind).toBe("replace-new-name");
    expect(failures(olds, news, p, {}, NOW)).toEqual([]);
    // check regenerates the name for such a replacement (operations.ts); the diff then replaces without deleting first.
    const renamed = { ...news, name: "hsm-aaaaaaa" };
    expect(diff(olds, renamed)).toEqual({ changes: true, replaces: expect.arrayContaining([property, "name"]), deleteBeforeReplace: false });
  });

  it("name changed explicitly: replaced, create before delete, nothing refused", () => {
    const r = plan({}, { name: "prod-hsm-2" });
    expect(r.failures).toEqual([]);
    expect(r.diff).toEqual({ changes: true, replaces: ["name"], deleteBeforeReplace: false });
  });

  it("purgeOnDelete together with purge protection: refused", () => {
    const r = plan({}, { purgeOnDelete: true, enablePurgeProtection: true });
    expect(r.failures).toEqual([{ property: "purgeOnDelete", reason: expect.stringMatching(/can't take effect with purge protection on/) }]);
  });

  it("an unknown value at preview is a change, never a refusal of its own", () => {
    const olds = inputs();
    const news = { ...olds, tags: UNKNOWN as unknown as Record<string, string> };
    expect(diff(olds, news)).toEqual({ changes: true });
    const unknownLocation = { ...olds, location: UNKNOWN };
    expect(diff(olds, unknownLocation).replaces).toEqual(["location"]);
  });
});

describe("ManagedHsm names held by others", () => {
  const deleted = { location: "westeurope", deletionDate: "2026-11-01T00:00:00.000Z", scheduledPurgeDate: "2026-11-31T00:00:00.000Z".replace("11-31", "12-01"), purgeProtectionEnabled: false };

  it("a soft-deleted HSM holding the name: refused at create unless recoverSoftDeleted, naming the date and the ways out", () => {
    const news = inputs();
    const f = failures(undefined, news, { kind: "create", name: news.name }, { deleted }, NOW);
    expect(f).toEqual([{ property: "name", reason: expect.stringContaining("holds this name until 2026-12-01T00:00:00.000Z") }]);
    expect(f[0]!.reason).toMatch(/recoverSoftDeleted: true/);
    expect(f[0]!.reason).toMatch(/mhsm keyvault purge --hsm-name prod-hsm --location westeurope/);
  });

  it("recoverSoftDeleted: accepted when the recovered settings match, refused when they can't", () => {
    const ok = inputs({ recoverSoftDeleted: true, softDeleteRetentionInDays: 30 });
    expect(failures(undefined, ok, { kind: "create", name: ok.name }, { deleted }, NOW)).toEqual([]);
    const wrong = inputs({ recoverSoftDeleted: true });
    expect(failures(undefined, wrong, { kind: "create", name: wrong.name }, { deleted }, NOW)).toEqual([
      { property: "softDeleteRetentionInDays", reason: expect.stringMatching(/retention of 30 days, which can't be changed; declare 30/) },
    ]);
    const protectedOne = inputs({ recoverSoftDeleted: true, softDeleteRetentionInDays: 30 });
    expect(failures(undefined, protectedOne, { kind: "create", name: protectedOne.name }, { deleted: { ...deleted, purgeProtectionEnabled: true } }, NOW)[0]!.property).toBe("enablePurgeProtection");
  });

  it("a live HSM elsewhere holding the name: refused", () => {
    const news = inputs();
    expect(failures(undefined, news, { kind: "create", name: news.name }, { live: true }, NOW)[0]!.reason).toMatch(/already used by another managed HSM/);
  });

  it("the table lists every input once", () => {
    const all = [...HSM_TABLE.inPlace, ...HSM_TABLE.replace];
    expect(new Set(all).size).toBe(all.length);
  });
});
