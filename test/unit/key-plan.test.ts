import { describe, expect, it } from "vitest";
import type { HsmKeyArgs } from "../../provider/resources/hsm-key/args";
import { diff, failures, intent, normalize } from "../../provider/resources/hsm-key/plan";

const NOW = Date.parse("2026-11-22T00:00:00Z");
const base: HsmKeyArgs = { hsmUri: "https://prod.managedhsm.localhost:8443", name: "signing", kty: "EC-HSM" };
const key = (args: Partial<HsmKeyArgs> = {}, olds?: ReturnType<typeof normalize>) => normalize({ ...base, ...args } as HsmKeyArgs, olds);
const purgeable = { recoveryLevel: "CustomizedRecoverable+Purgeable", recoverableDays: 30 };
const protectedKey = { recoveryLevel: "CustomizedRecoverable", recoverableDays: 30 };

describe("HsmKey defaults", () => {
  it.each([
    [{ kty: "EC-HSM" as const }, { kty: "EC-HSM", curve: "P-256", keyOps: ["sign", "verify"] }],
    [{ kty: "RSA" as const }, { kty: "RSA-HSM", keySize: 2048, keyOps: ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"] }],
    [{ kty: "oct-HSM" as const }, { kty: "oct-HSM", keySize: 256, keyOps: ["encrypt", "decrypt", "wrapKey", "unwrapKey"] }],
  ])("%j fills in %j", (args, expected) => {
    expect(key(args)).toMatchObject({ ...expected, enabled: true, tags: {}, hsmUri: "https://prod.managedhsm.localhost:8443/" });
  });

  it("an omitted input and its default never produce a diff", () => {
    expect(diff(key({ kty: "EC" }), key({ kty: "EC-HSM", curve: "P-256", enabled: true, keyOps: ["sign", "verify"], tags: {} }))).toEqual({ changes: false });
    expect(diff(key({ expires: "2027-01-01" }), key({ expires: "2027-01-01T00:00:00Z" }))).toEqual({ changes: false });
  });
});

describe("HsmKey replace-or-reject table", () => {
  it.each([
    ["keyOps", { keyOps: ["sign" as const] }],
    ["enabled", { enabled: false }],
    ["notBefore", { notBefore: "2027-01-01T00:00:00Z" }],
    ["expires", { expires: "2028-01-01T00:00:00Z" }],
    ["tags", { tags: { team: "payments" } }],
    ["recoverSoftDeleted", { recoverSoftDeleted: true }],
    ["purgeOnDelete", { purgeOnDelete: true }],
  ])("%s: update in place", (_p, change) => {
    const olds = key();
    const news = key(change, olds);
    expect(failures(olds, news, intent(olds, news), { current: purgeable }, NOW)).toEqual([]);
    expect(diff(olds, news)).toEqual({ changes: true });
  });

  const replacements: [string, Partial<HsmKeyArgs>, Partial<HsmKeyArgs>][] = [
    ["kty", {}, { kty: "RSA-HSM" }],
    ["keySize", { kty: "RSA-HSM" }, { kty: "RSA-HSM", keySize: 4096 }],
    ["curve", {}, { curve: "P-384" }],
  ];

  it.each(replacements)("%s under the same name: refused with the date and the ways out", (property, before, after) => {
    const olds = key(before);
    const news = key(after, olds);
    const p = intent(olds, news);
    expect(p.kind).toBe("replace-same-name");
    const f = failures(olds, news, p, { current: purgeable }, NOW);
    expect(f).toHaveLength(1);
    expect(f[0]!.property).toBe(property);
    expect(f[0]!.reason).toContain("2026-12-22T00:00:00.000Z");
    expect(f[0]!.reason).toMatch(/new name.*purgeOnDelete: true/);
    expect(diff(olds, news)).toMatchObject({ changes: true, replaces: expect.arrayContaining([property]), deleteBeforeReplace: true });
  });

  it.each(replacements)("%s when the HSM has purge protection: refused, and the purge way out is not offered", (_p, before, after) => {
    const olds = key({ ...before, purgeOnDelete: false });
    const news = key(after, olds);
    const f = failures(olds, news, intent(olds, news), { current: protectedKey }, NOW);
    expect(f[0]!.reason).toMatch(/purge protection/);
    expect(f[0]!.reason).not.toMatch(/set purgeOnDelete/);
  });

  it.each(replacements)("%s with purgeOnDelete and a purgeable HSM: replaced, deleted and purged first", (_p, before, after) => {
    const olds = key({ ...before, purgeOnDelete: true });
    const news = key({ ...after, purgeOnDelete: true }, olds);
    expect(failures(olds, news, intent(olds, news), { current: purgeable }, NOW)).toEqual([]);
    expect(diff(olds, news).deleteBeforeReplace).toBe(true);
  });

  it("a new name, or a generated one: replaced, create before delete", () => {
    const olds = key();
    const renamed = key({ name: "signing-2", curve: "P-384" }, olds);
    expect(intent(olds, renamed).kind).toBe("replace-new-name");
    expect(failures(olds, renamed, intent(olds, renamed), {}, NOW)).toEqual([]);
    expect(diff(olds, renamed)).toEqual({ changes: true, replaces: ["name", "curve"], deleteBeforeReplace: false });

    const auto = normalize({ hsmUri: base.hsmUri, kty: "EC-HSM", resourceName: "signing" } as HsmKeyArgs, undefined);
    expect(auto.name).toMatch(/^signing-[0-9a-f]{7}$/);
    const autoNext = normalize({ hsmUri: base.hsmUri, kty: "EC-HSM", curve: "P-521", resourceName: "signing" } as HsmKeyArgs, auto);
    expect(intent(auto, autoNext).kind).toBe("replace-new-name");
  });

  it("another HSM: replaced, create before delete", () => {
    const olds = key();
    const news = key({ hsmUri: "https://other.managedhsm.localhost:8443/" }, olds);
    expect(diff(olds, news)).toEqual({ changes: true, replaces: ["hsmUri"], deleteBeforeReplace: false });
  });

  it("purgeOnDelete when the HSM has purge protection: refused", () => {
    const olds = key();
    const news = key({ purgeOnDelete: true }, olds);
    expect(failures(olds, news, intent(olds, news), { current: protectedKey }, NOW)).toEqual([{ property: "purgeOnDelete", reason: expect.stringMatching(/purge protection/) }]);
  });

  it("a soft-deleted key holding the name: refused unless recoverSoftDeleted; recovery refused if the type differs", () => {
    const news = key();
    expect(failures(undefined, news, { kind: "create" }, { deleted: { scheduledPurgeDate: NOW / 1000 + 86400, kty: "EC-HSM", curve: "P-256" } }, NOW)[0]!.reason).toMatch(
      /soft-deleted key named 'signing' holds this name until 2026-11-23T00:00:00.000Z/,
    );
    const recovering = key({ recoverSoftDeleted: true });
    expect(failures(undefined, recovering, { kind: "create" }, { deleted: { scheduledPurgeDate: 0, kty: "EC-HSM", curve: "P-256" } }, NOW)).toEqual([]);
    expect(failures(undefined, recovering, { kind: "create" }, { deleted: { scheduledPurgeDate: 0, kty: "RSA-HSM", keySize: 2048 } }, NOW)[0]!.reason).toMatch(/kty RSA-HSM, which can't change/);
  });
});
