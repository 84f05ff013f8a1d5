import { describe, expect, it } from "vitest";
import { ACTIVE, isExpired, nameClaim, purgeDecision, softDelete } from "../../emulator/domain/soft-delete";

const DAY = 86_400_000;

describe("the soft-delete state machine", () => {
  it("schedules the purge retention days after the deletion", () => {
    expect(softDelete(1000, 7)).toEqual({ state: "deleted", deletedAt: 1000, scheduledPurgeAt: 1000 + 7 * DAY });
  });

  it("expires exactly at the scheduled purge date, never before", () => {
    const deleted = softDelete(0, 7);
    expect(isExpired(deleted, 7 * DAY - 1)).toBe(false);
    expect(isExpired(deleted, 7 * DAY)).toBe(true);
    expect(isExpired(ACTIVE, Number.MAX_SAFE_INTEGER)).toBe(false);
  });

  it("allows purge of a deleted object without protection at any time", () => {
    expect(purgeDecision(softDelete(0, 90), 1, false)).toEqual({ allowed: true });
  });

  it("refuses purge under purge protection until the scheduled date, saying when", () => {
    const deleted = softDelete(0, 30);
    expect(purgeDecision(deleted, 30 * DAY - 1, true)).toEqual({ allowed: false, reason: "purge-protection", until: 30 * DAY });
    expect(purgeDecision(deleted, 30 * DAY, true)).toEqual({ allowed: true });
  });

  it("refuses purge of a live object", () => {
    expect(purgeDecision(ACTIVE, 0, false)).toEqual({ allowed: false, reason: "not-deleted" });
  });

  it("says who holds a name", () => {
    expect(nameClaim(undefined)).toBe("free");
    expect(nameClaim({ lifecycle: ACTIVE })).toBe("active");
    expect(nameClaim({ lifecycle: softDelete(0, 7) })).toBe("deleted");
  });
});
