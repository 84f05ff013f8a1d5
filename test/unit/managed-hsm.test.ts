import { describe, expect, it } from "vitest";
import { DomainError } from "../../emulator/domain/errors";
import {
  type CommandContext,
  type HsmState,
  dataPlaneAvailable,
  deleteHsm,
  patchHsm,
  provisioningState,
  purgeHsm,
  putHsm,
  settle,
} from "../../emulator/domain/managed-hsm";

const TENANT = "11111111-1111-1111-1111-111111111111";
const address = { subscriptionId: "00000000-0000-0000-0000-000000000001", resourceGroup: "rg", name: "hsm1" };
let ids = 0;
const ctx = (now: number, delayMs = 0): CommandContext => ({ now, delayMs, newId: () => `id-${++ids}` });

function settled(state: HsmState, now: number): HsmState {
  const s = settle(state, now);
  if (s.change === "updated") return settled(s.state, now);
  if (s.change === "none") return state;
  throw new Error("gone");
}

function created(props: Record<string, unknown> = {}, now = 0): HsmState {
  return settled(putHsm(undefined, address, { location: "West Europe", properties: { tenantId: TENANT, ...props } }, ctx(now)).state, now);
}

function deleted(props: Record<string, unknown> = {}): HsmState {
  return settled(deleteHsm(created(props), address, ctx(10))!, 10);
}

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
};

describe("creating an HSM", () => {
  it("applies Azure's defaults and normalises the location", () => {
    const hsm = created();
    expect(hsm).toMatchObject({
      location: "westeurope",
      softDeleteRetentionInDays: 90,
      enablePurgeProtection: false,
      sku: { family: "B", name: "Standard_B1" },
      publicNetworkAccess: "Enabled",
      lifecycle: { state: "active" },
    });
  });

  it("requires a tenant and refuses disabling soft-delete", () => {
    expect(refusal(() => putHsm(undefined, address, { location: "x", properties: {} }, ctx(0))).message).toMatch(/tenantId is required/);
    expect(refusal(() => created({ enableSoftDelete: false })).message).toMatch(/can't be disabled/);
  });

  it("a delayed create is Provisioning until its time, and its data plane answers only then", () => {
    const hsm = putHsm(undefined, address, { location: "westeurope", properties: { tenantId: TENANT } }, ctx(0, 1000)).state;
    expect(provisioningState(hsm, 999)).toBe("Provisioning");
    expect(dataPlaneAvailable(hsm, 999)).toBe(false);
    expect(provisioningState(hsm, 1000)).toBe("Succeeded");
    expect(dataPlaneAvailable(hsm, 1000)).toBe(true);
  });
});

describe("changing an HSM", () => {
  it("retention is fixed at creation", () => {
    const hsm = created({ softDeleteRetentionInDays: 30 });
    expect(refusal(() => patchHsm(hsm, address, { properties: { softDeleteRetentionInDays: 31 } }, ctx(1))).code).toBe("BadRequest");
    expect(patchHsm(hsm, address, { properties: { softDeleteRetentionInDays: 30 } }, ctx(1)).softDeleteRetentionInDays).toBe(30);
  });

  it("purge protection goes on, never off", () => {
    const on = settled(patchHsm(created(), address, { properties: { enablePurgeProtection: true } }, ctx(1)), 1);
    expect(on.enablePurgeProtection).toBe(true);
    expect(refusal(() => patchHsm(on, address, { properties: { enablePurgeProtection: false } }, ctx(2))).message).toMatch(/irreversible/);
    expect(patchHsm(on, address, { tags: { a: "b" } }, ctx(2)).enablePurgeProtection).toBe(true);
  });

  it("location, sku, tenant and initial administrators can't change", () => {
    const hsm = created({ initialAdminObjectIds: ["33333333-3333-3333-3333-333333333333"] });
    expect(refusal(() => patchHsm(hsm, address, { location: "eastus" }, ctx(1))).message).toMatch(/location/);
    expect(refusal(() => patchHsm(hsm, address, { sku: { family: "B", name: "Custom_B32" } }, ctx(1))).message).toMatch(/sku/);
    expect(refusal(() => patchHsm(hsm, address, { properties: { tenantId: "22222222-2222-2222-2222-222222222222" } }, ctx(1))).message).toMatch(/tenantId/);
    expect(refusal(() => patchHsm(hsm, address, { properties: { initialAdminObjectIds: [] } }, ctx(1))).message).toMatch(/initialAdminObjectIds/);
  });

  it("one operation at a time", () => {
    const updating = patchHsm(created(), address, { tags: { a: "1" } }, ctx(1, 5000));
    expect(refusal(() => patchHsm(updating, address, { tags: { a: "2" } }, ctx(2))).kind).toBe("Conflict");
  });
});

describe("deleting, recovering and purging an HSM", () => {
  it("delete is a soft-delete dated when it completes", () => {
    const started = deleteHsm(created(), address, ctx(10, 500))!;
    expect(provisioningState(started, 100)).toBe("Deleting");
    const done = settled(started, 510);
    expect(done.lifecycle).toEqual({ state: "deleted", deletedAt: 510, scheduledPurgeAt: 510 + 90 * 86_400_000 });
  });

  it("deleting what isn't there is nothing to do", () => {
    expect(deleteHsm(undefined, address, ctx(0))).toBeUndefined();
    expect(deleteHsm(deleted(), address, ctx(20))).toBeUndefined();
  });

  it("a soft-deleted name can't be created again, by anyone", () => {
    const err = refusal(() => putHsm(deleted(), { ...address, subscriptionId: "00000000-0000-0000-0000-000000000002" }, { location: "westeurope", properties: { tenantId: TENANT } }, ctx(20)));
    expect(err).toMatchObject({ kind: "Conflict", code: "ConflictError" });
  });

  it("recover brings back the settings, in the location it was deleted from", () => {
    const gone = deleted({ softDeleteRetentionInDays: 12, enablePurgeProtection: true });
    expect(refusal(() => putHsm(gone, address, { location: "eastus", properties: { createMode: "recover" } }, ctx(20))).message).toMatch(/location must be 'westeurope'/);
    const back = putHsm(gone, address, { location: "westeurope", properties: { createMode: "recover" } }, ctx(20));
    expect(back.kind).toBe("recovered");
    expect(settled(back.state, 20)).toMatchObject({ softDeleteRetentionInDays: 12, enablePurgeProtection: true, lifecycle: { state: "active" } });
  });

  it("purge under purge protection is refused with the date; at that date the HSM is gone by itself", () => {
    const gone = deleted({ softDeleteRetentionInDays: 7, enablePurgeProtection: true });
    const err = refusal(() => purgeHsm(gone, address.subscriptionId, "westeurope", "hsm1", ctx(20)));
    expect(err).toMatchObject({ kind: "Forbidden" });
    expect(err.message).toContain(new Date(10 + 7 * 86_400_000).toISOString());
    expect(settle(gone, 10 + 7 * 86_400_000)).toEqual({ change: "gone", at: 10 + 7 * 86_400_000 });
  });

  it("purge without protection ends with the HSM gone", () => {
    const purging = purgeHsm(deleted(), address.subscriptionId, "westeurope", "hsm1", ctx(20));
    expect(settle(purging, 20)).toEqual({ change: "gone", at: 20 });
  });
});
