import { createPublicKey } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorProcess, startEmulatorProcess, stopAllEmulators } from "../support/emulator-process";
import { AzureRest, hsmName } from "../support/azure";
import { request } from "../support/http";

let emu: EmulatorProcess;

beforeAll(async () => {
  emu = await startEmulatorProcess({ inMemory: true });
});
afterAll(stopAllEmulators);

async function newHsm(properties: Record<string, unknown> = {}): Promise<{ az: AzureRest; hsm: string }> {
  const az = new AzureRest(emu);
  const hsm = hsmName();
  const res = await az.putHsm(hsm, properties);
  expect(res.status).toBe(200);
  return { az, hsm };
}

describe("key types and material", () => {
  it.each([
    [{ kty: "RSA-HSM", key_size: 2048 }, "RSA-HSM", 2048],
    [{ kty: "RSA", key_size: 3072 }, "RSA-HSM", 3072],
    [{ kty: "RSA-HSM", key_size: 4096 }, "RSA-HSM", 4096],
  ])("creates %j as a real %s key of %i bits", async (body, kty, bits) => {
    const { az, hsm } = await newHsm();
    const res = await az.createKey(hsm, "rsa", body);
    expect(res.status).toBe(200);
    expect(res.body.key.kty).toBe(kty);
    const pub = createPublicKey({ key: { kty: "RSA", n: res.body.key.n, e: res.body.key.e }, format: "jwk" });
    expect(pub.asymmetricKeyDetails?.modulusLength).toBe(bits);
    expect(res.body.key.d).toBeUndefined();
  });

  it.each([
    ["P-256", "prime256v1"],
    ["P-384", "secp384r1"],
    ["P-521", "secp521r1"],
    ["P-256K", "secp256k1"],
  ])("creates an EC-HSM key on %s whose public part is a valid point", async (crv, nodeCurve) => {
    const { az, hsm } = await newHsm();
    const res = await az.createKey(hsm, "ec", { kty: "EC-HSM", crv });
    expect(res.status).toBe(200);
    expect(res.body.key).toMatchObject({ kty: "EC-HSM", crv });
    const pub = createPublicKey({ key: { kty: "EC", crv: crv === "P-256K" ? "secp256k1" : crv, x: res.body.key.x, y: res.body.key.y }, format: "jwk" });
    expect(pub.asymmetricKeyDetails?.namedCurve).toBe(nodeCurve);
  });

  it.each([128, 192, 256])("creates oct-HSM keys of %i bits without exposing the secret", async (size) => {
    const { az, hsm } = await newHsm();
    const res = await az.createKey(hsm, "aes", { kty: "oct-HSM", key_size: size });
    expect(res.status).toBe(200);
    expect(res.body.key.kty).toBe("oct-HSM");
    expect(res.body.key.k).toBeUndefined();
  });

  it.each([
    [{ kty: "RSA-HSM", key_size: 1024 }, /key_size must be one of 2048, 3072, 4096/],
    [{ kty: "RSA-HSM", crv: "P-256" }, /crv is only used with EC keys/],
    [{ kty: "EC-HSM", key_size: 256 }, /key_size is not used with EC keys/],
    [{ kty: "oct-HSM", key_size: 512 }, /key_size must be one of 128, 192, 256/],
    [{ kty: "EC-HSM", crv: "P-999" }, /crv: must be one of/],
    [{ kty: "DSA" }, /kty: must be one of/],
  ])("refuses %j with a message naming the field", async (body, message) => {
    const { az, hsm } = await newHsm();
    const res = await az.createKey(hsm, "bad", body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("BadParameter");
    expect(res.body.error.message).toMatch(message);
  });
});

describe("key lifecycle", () => {
  it("gets latest and by version, lists versions, updates attributes, rotates", async () => {
    const { az, hsm } = await newHsm();
    const v1 = await az.createKey(hsm, "k", { kty: "EC-HSM", crv: "P-256", tags: { n: "1" } });
    const v2 = await az.createKey(hsm, "k", { kty: "EC-HSM", crv: "P-256", tags: { n: "2" } });
    const kid1 = v1.body.key.kid as string;
    const kid2 = v2.body.key.kid as string;
    expect(kid1).toMatch(new RegExp(`^${emu.hsmBase(hsm)}/keys/k/[0-9a-f]{32}$`));
    expect(kid2).not.toBe(kid1);
    // The JS SDK asks for the latest version as /keys/{name}/ with an empty version.
    const latest = await request("GET", az.key(hsm, "/keys/k/"));
    expect(latest.body.key.kid).toBe(kid2);
    const first = await request("GET", az.key(hsm, `/keys/k/${kid1.split("/").pop()}`));
    expect(first.body.tags).toEqual({ n: "1" });
    const versions = await request("GET", az.key(hsm, "/keys/k/versions"));
    expect(versions.body.value.map((v: { kid: string }) => v.kid).sort()).toEqual([kid1, kid2].sort());
    const patched = await request("PATCH", az.key(hsm, `/keys/k/${kid1.split("/").pop()}`), { body: { attributes: { enabled: false, exp: 2000000000 }, tags: { n: "x" } } });
    expect(patched.status).toBe(200);
    expect(patched.body.attributes).toMatchObject({ enabled: false, exp: 2000000000 });
    expect((await request("GET", az.key(hsm, "/keys/k"))).body.attributes.enabled).toBe(true);
    const rotated = await request("POST", az.key(hsm, "/keys/k/rotate"));
    expect(rotated.status).toBe(200);
    expect(rotated.body.key).toMatchObject({ kty: "EC-HSM", crv: "P-256" });
    expect((await request("GET", az.key(hsm, "/keys/k/versions"))).body.value).toHaveLength(3);
    const list = await request("GET", az.key(hsm, "/keys"));
    expect(list.body.value.map((k: { kid: string }) => k.kid)).toEqual([`${emu.hsmBase(hsm)}/keys/k`]);
  });

  it("recoveryLevel and recoverableDays follow the HSM's settings", async () => {
    const cases: [Record<string, unknown>, string, number][] = [
      [{}, "Recoverable+Purgeable", 90],
      [{ enablePurgeProtection: true }, "Recoverable", 90],
      [{ softDeleteRetentionInDays: 30 }, "CustomizedRecoverable+Purgeable", 30],
      [{ softDeleteRetentionInDays: 7, enablePurgeProtection: true }, "CustomizedRecoverable", 7],
    ];
    for (const [props, level, days] of cases) {
      const { az, hsm } = await newHsm(props);
      const res = await az.createKey(hsm, "k");
      expect(res.body.attributes).toMatchObject({ recoveryLevel: level, recoverableDays: days });
    }
  });

  it("delete is a soft-delete: the key is listed as deleted at once, its name can't be reused, and it recovers with every version", async () => {
    const { az, hsm } = await newHsm({ softDeleteRetentionInDays: 9 });
    await az.createKey(hsm, "k");
    await az.createKey(hsm, "k");
    const del = await request("DELETE", az.key(hsm, "/keys/k"));
    expect(del.status).toBe(200);
    expect(del.body.recoveryId).toBe(`${emu.hsmBase(hsm)}/deletedkeys/k`);
    expect(del.body.scheduledPurgeDate - del.body.deletedDate).toBe(9 * 86400);
    expect((await request("GET", az.key(hsm, "/keys/k"))).body.error.code).toBe("KeyNotFound");
    expect((await request("PATCH", az.key(hsm, "/keys/k"), { body: { tags: {} } })).status).toBe(404);
    expect((await request("DELETE", az.key(hsm, "/keys/k"))).status).toBe(404);
    const deleted = await request("GET", az.key(hsm, "/deletedkeys"));
    expect(deleted.body.value).toHaveLength(1);
    expect(deleted.body.value[0]).toMatchObject({ kid: `${emu.hsmBase(hsm)}/keys/k`, recoveryId: `${emu.hsmBase(hsm)}/deletedkeys/k` });
    expect((await request("GET", az.key(hsm, "/deletedkeys/k"))).status).toBe(200);
    const reuse = await az.createKey(hsm, "k");
    expect(reuse.status).toBe(409);
    expect(reuse.body.error).toMatchObject({ code: "Conflict", innererror: { code: "ObjectIsDeletedButRecoverable" } });
    expect(reuse.body.error.message).toMatch(/can only be recovered or purged/);
    const recovered = await request("POST", az.key(hsm, "/deletedkeys/k/recover"), { headers: { "content-type": "application/json" } });
    expect(recovered.status).toBe(200);
    expect((await request("GET", az.key(hsm, "/keys/k/versions"))).body.value).toHaveLength(2);
    expect((await request("GET", az.key(hsm, "/deletedkeys/k"))).status).toBe(404);
  });

  it("purge deletes a key for good and frees its name; purge of a live key is not found", async () => {
    const { az, hsm } = await newHsm();
    await az.createKey(hsm, "k");
    expect((await request("DELETE", az.key(hsm, "/deletedkeys/k"))).status).toBe(404);
    await request("DELETE", az.key(hsm, "/keys/k"));
    expect((await request("DELETE", az.key(hsm, "/deletedkeys/k"))).status).toBe(204);
    expect((await request("GET", az.key(hsm, "/deletedkeys/k"))).status).toBe(404);
    expect((await az.createKey(hsm, "k")).status).toBe(200);
  });

  it("purge protection: key purge refused (403) until its scheduled purge date, then the key is purged by itself", async () => {
    const own = await startEmulatorProcess({ inMemory: true });
    const az = new AzureRest(own);
    const hsm = hsmName();
    await az.putHsm(hsm, { softDeleteRetentionInDays: 7, enablePurgeProtection: true });
    await az.createKey(hsm, "k");
    const del = await request("DELETE", az.key(hsm, "/keys/k"));
    const refused = await request("DELETE", az.key(hsm, "/deletedkeys/k"));
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("Forbidden");
    expect(refused.body.error.message).toContain(new Date(del.body.scheduledPurgeDate * 1000).toISOString());
    await az.advanceClock({ advanceDays: 7 });
    expect((await request("GET", az.key(hsm, "/deletedkeys/k"))).status).toBe(404);
    expect((await az.createKey(hsm, "k")).status).toBe(200);
    await own.stop();
  });

  it("deleting an HSM makes its keys unreachable, not deleted; recovering it brings back keys and deleted keys", async () => {
    const { az, hsm } = await newHsm();
    await az.createKey(hsm, "live");
    await az.createKey(hsm, "gone");
    await request("DELETE", az.key(hsm, "/keys/gone"));
    await az.deleteHsm(hsm);
    expect((await request("GET", az.key(hsm, "/keys/live"))).status).toBe(404);
    await az.recover(hsm);
    expect((await request("GET", az.key(hsm, "/keys/live"))).status).toBe(200);
    expect((await request("GET", az.key(hsm, "/deletedkeys/gone"))).status).toBe(200);
  });

  it("purging an HSM purges its keys", async () => {
    const { az, hsm } = await newHsm();
    await az.createKey(hsm, "k");
    await az.deleteHsm(hsm);
    await az.poll(await az.purge(hsm));
    expect((await az.putHsm(hsm)).status).toBe(200);
    expect((await request("GET", az.key(hsm, "/keys"))).body.value).toEqual([]);
    expect((await az.createKey(hsm, "k")).status).toBe(200);
  });

  it("imports a key from a private JWK", async () => {
    const { az, hsm } = await newHsm();
    const { generateKeyPairSync } = await import("node:crypto");
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-384" });
    const jwk = privateKey.export({ format: "jwk" });
    const res = await request("PUT", az.key(hsm, "/keys/imported"), { body: { key: { ...jwk, key_ops: ["sign", "verify"] }, hsm: true } });
    expect(res.status).toBe(200);
    expect(res.body.key).toMatchObject({ kty: "EC-HSM", crv: "P-384", x: jwk.x, y: jwk.y, key_ops: ["sign", "verify"] });
  });

  it("pages key lists with maxresults and nextLink on the HSM's host", async () => {
    const { az, hsm } = await newHsm();
    for (const n of ["a", "b", "c"]) await az.createKey(hsm, n, { kty: "oct-HSM" });
    const first = await request("GET", az.key(hsm, "/keys?maxresults=2"));
    expect(first.body.value).toHaveLength(2);
    expect(first.body.nextLink).toMatch(new RegExp(`^${emu.hsmBase(hsm)}/keys\\?`));
    const second = await request("GET", first.body.nextLink);
    expect(second.body.value).toHaveLength(1);
    expect(second.body.nextLink).toBeNull();
  });
});
