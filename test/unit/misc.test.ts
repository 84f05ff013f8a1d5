import { describe, expect, it } from "vitest";
import { summarizeUsage, type UsageEvent } from "../../emulator/domain/usage";
import { routeByHost } from "../../emulator/http/urls";
import { hsmNameProblem } from "../../model/names";
import { parseDuration } from "../../sdk/cli/duration";

describe("routing by Host header", () => {
  it("sends {name}.{suffix} to that HSM's data plane and hides the prefix on the control host", () => {
    expect(routeByHost("myhsm.managedhsm.localhost:8443", "/keys?api-version=7.5", "managedhsm.localhost")).toBe("/_hsm/myhsm/keys?api-version=7.5");
    expect(routeByHost("MyHsm.ManagedHsm.Localhost", "/keys", "managedhsm.localhost")).toBe("/_hsm/myhsm/keys");
    expect(routeByHost("127.0.0.1:8443", "/subscriptions/x", "managedhsm.localhost")).toBe("/subscriptions/x");
    expect(routeByHost("a.b.managedhsm.localhost", "/keys", "managedhsm.localhost")).toBe("/keys");
    expect(routeByHost("localhost", "/_hsm/x/keys", "managedhsm.localhost")).toBe("/_not-found/_hsm/x/keys");
  });
});

describe("HSM names", () => {
  it.each(["abc", "a-b-c", "A1", "a".repeat(24)].filter((n) => n.length >= 3))("accepts %s", (name) => {
    expect(hsmNameProblem(name)).toBeUndefined();
  });
  it.each(["ab", "1ab", "ab-", "a--b", "a".repeat(25), "a_b"])("refuses %s", (name) => {
    expect(hsmNameProblem(name)).toMatch(/must be 3 to 24 characters/);
  });
});

describe("durations", () => {
  it.each([
    ["0", 0],
    ["500ms", 500],
    ["2s", 2000],
    ["1.5m", 90_000],
    ["90d", 90 * 86_400_000],
  ])("%s is %i ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
  it.each(["2", "-1s", "soon", "1y"])("refuses %s", (text) => {
    expect(() => parseDuration(text)).toThrow(/duration|unit/);
  });
});

describe("usage", () => {
  it("counts live and soft-deleted hours per instance, and stops at the purge", () => {
    const h = 3_600_000;
    const base = { name: "h", subscriptionId: "s", resourceGroup: "rg", location: "westeurope" };
    const events: UsageEvent[] = [
      { ...base, instanceId: "1", kind: "created", at: 0 },
      { ...base, instanceId: "1", kind: "deleted", at: 2 * h },
      { ...base, instanceId: "1", kind: "recovered", at: 3 * h },
      { ...base, instanceId: "1", kind: "deleted", at: 4 * h },
      { ...base, instanceId: "1", kind: "purged", at: 10 * h },
      { ...base, instanceId: "2", kind: "created", at: 10 * h },
    ];
    const [first, second] = summarizeUsage(events, 12 * h);
    expect(first).toMatchObject({ state: "purged", liveHours: 3, softDeletedHours: 7, billableHours: 10 });
    expect(second).toMatchObject({ state: "live", liveHours: 2, softDeletedHours: 0 });
  });
});
