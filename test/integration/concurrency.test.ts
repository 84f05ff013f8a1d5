import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorProcess, startEmulatorProcess, stopAllEmulators, tempDir } from "../support/emulator-process";
import { AzureRest, hsmName } from "../support/azure";
import { request } from "../support/http";

let emu: EmulatorProcess;

beforeAll(async () => {
  emu = await startEmulatorProcess({ location: tempDir() });
});
afterAll(stopAllEmulators);

describe("racing clients", () => {
  it("60 clients in 60 subscriptions create the same HSM name at once: exactly one succeeds, the rest get 409", async () => {
    const name = hsmName();
    const clients = Array.from({ length: 60 }, () => new AzureRest(emu));
    const results = await Promise.all(clients.map((c) => c.putHsm(name)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(59);
    const winner = clients[statuses.indexOf(200)]!;
    expect((await winner.getHsm(name)).status).toBe(200);
  });

  it("59 key creates racing a recovery each meet either the deleted key (409) or the recovered one (a new version)", async () => {
    const az = new AzureRest(emu);
    const hsm = hsmName();
    await az.putHsm(hsm);
    await az.createKey(hsm, "k");
    await request("DELETE", az.key(hsm, "/keys/k"));
    const [recovered, ...creates] = await Promise.all([
      request("POST", az.key(hsm, "/deletedkeys/k/recover")),
      ...Array.from({ length: 59 }, () => az.createKey(hsm, "k", { kty: "oct-HSM" })),
    ]);
    expect(recovered!.status).toBe(200);
    // Each create either met the deleted key (409) or the recovered one (a new version): never anything else.
    const ok = creates.filter((r) => r.status === 200).length;
    const refused = creates.filter((r) => r.status === 409).length;
    expect(ok + refused).toBe(59);
    const versions = await request("GET", az.key(hsm, "/keys/k/versions?maxresults=25"));
    let count = versions.body.value.length;
    let next: string | null = versions.body.nextLink;
    while (next) {
      const page = await request("GET", next);
      count += page.body.value.length;
      next = page.body.nextLink;
    }
    expect(count).toBe(1 + ok);
  });

  it("delete and recover racing on one HSM never leave it half-way", async () => {
    const az = new AzureRest(emu);
    const name = hsmName();
    await az.putHsm(name);
    const results = await Promise.all([az.deleteHsm(name), az.recover(name), az.deleteHsm(name), az.recover(name)]);
    for (const r of results) expect([200, 204, 404, 409]).toContain(r.status);
    const live = (await az.getHsm(name)).status === 200;
    const deleted = (await az.getDeleted(name)).status === 200;
    expect(live !== deleted).toBe(true);
  });
});
