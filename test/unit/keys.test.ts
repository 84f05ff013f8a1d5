import { describe, expect, it } from "vitest";
import { DomainError } from "../../emulator/domain/errors";
import { type KeyVersionState, addVersion, assertPurgeable, deleteKey, findVersion, recoverKey, updateVersion } from "../../emulator/domain/keys";
import { resolveKeySpec } from "../../model/keys";
import { recoveryLevel } from "../../model/rules";

const version = (id: string): KeyVersionState => ({
  version: id,
  kty: "EC-HSM",
  curve: "P-256",
  keyOps: ["sign"],
  enabled: true,
  exportable: false,
  created: 1,
  updated: 1,
  tags: {},
  publicJwk: {},
  privateJwk: {},
});
const protection = { softDeleteRetentionInDays: 7, enablePurgeProtection: false };

describe("keys", () => {
  it("adds versions to a live key; the last is current", () => {
    const k = addVersion(addVersion(undefined, "h", "k", version("a")), "h", "k", version("b"));
    expect(findVersion(k, undefined).version).toBe("b");
    expect(findVersion(k, "A").version).toBe("a");
    expect(() => findVersion(k, "c")).toThrow(DomainError);
  });

  it("a deleted key's name can't be reused, with Azure's inner code", () => {
    const gone = deleteKey(addVersion(undefined, "h", "k", version("a")), "k", protection, 5500);
    expect(gone.lifecycle).toEqual({ state: "deleted", deletedAt: 5000, scheduledPurgeAt: 5000 + 7 * 86_400_000 });
    try {
      addVersion(gone, "h", "k", version("b"));
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ kind: "Conflict", code: "Conflict", innerCode: "ObjectIsDeletedButRecoverable" });
    }
  });

  it("recovers with every version; purge is refused under purge protection", () => {
    const k = addVersion(addVersion(undefined, "h", "k", version("a")), "h", "k", version("b"));
    const gone = deleteKey(k, "k", protection, 0);
    expect(recoverKey(gone, "k").versions).toHaveLength(2);
    expect(() => assertPurgeable(gone, "k", { ...protection, enablePurgeProtection: true }, 1)).toThrow(/purge protection/);
    expect(() => assertPurgeable(gone, "k", protection, 1)).not.toThrow();
    expect(() => assertPurgeable(k, "k", protection, 1)).toThrow(/Deleted Key not found/);
  });

  it("updates one version's attributes", () => {
    const k = addVersion(addVersion(undefined, "h", "k", version("a")), "h", "k", version("b"));
    const u = updateVersion(k, "a", { attributes: { enabled: false }, tags: { x: "y" } }, 99);
    expect(findVersion(u, "a")).toMatchObject({ enabled: false, tags: { x: "y" }, updated: 99 });
    expect(findVersion(u, "b").enabled).toBe(true);
  });
});

describe("key specs (shared with the provider)", () => {
  it.each([
    [["RSA", undefined, undefined], { spec: { kty: "RSA-HSM", keySize: 2048 } }],
    [["EC", undefined, undefined], { spec: { kty: "EC-HSM", curve: "P-256" } }],
    [["oct-HSM", undefined, undefined], { spec: { kty: "oct-HSM", keySize: 256 } }],
    [["RSA-HSM", 512, undefined], { problem: { field: "key_size", rule: "must be one of 2048, 3072, 4096 for RSA-HSM, not 512" } }],
    [["EC-HSM", 256, undefined], { problem: { field: "key_size", rule: "is not used with EC keys; choose a curve (crv) instead" } }],
    [["oct-HSM", undefined, "P-256"], { problem: { field: "crv", rule: "is only used with EC keys, not oct-HSM" } }],
  ] as const)("resolveKeySpec%j", (args, expected) => {
    expect(resolveKeySpec(...(args as unknown as Parameters<typeof resolveKeySpec>))).toEqual(expected);
  });

  it("derives the recovery level from retention and purge protection", () => {
    expect(recoveryLevel(90, false)).toBe("Recoverable+Purgeable");
    expect(recoveryLevel(90, true)).toBe("Recoverable");
    expect(recoveryLevel(89, false)).toBe("CustomizedRecoverable+Purgeable");
    expect(recoveryLevel(7, true)).toBe("CustomizedRecoverable");
  });
});
