import { afterAll, describe, expect, it } from "vitest";
import { startEmulatorProcess, stopAllEmulators, tempDir } from "../support/emulator-process";
import { AzureRest, hsmName } from "../support/azure";
import { request } from "../support/http";

afterAll(stopAllEmulators);

describe("state survives restarts", () => {
  it("a restart in the middle of a soft-delete period keeps the object, its dates and the clock; the purge still comes", async () => {
    const location = tempDir();
    const first = await startEmulatorProcess({ location });
    const az = new AzureRest(first);
    const name = hsmName();
    await az.putHsm(name, { softDeleteRetentionInDays: 7, enablePurgeProtection: true }, { tags: { keep: "me" } });
    await az.createKey(name, "k");
    await request("DELETE", az.key(name, "/keys/k"));
    await az.deleteHsm(name);
    await az.advanceClock({ advanceDays: 3 });
    const before = (await az.getDeleted(name)).body;
    const clockBefore = Date.parse((await request("GET", `${first.endpoint}/_emulator/clock`)).body.now);
    await first.stop();

    const second = await startEmulatorProcess({ location });
    const az2 = new AzureRest(second, az.sub, az.rg);
    const clockAfter = Date.parse((await request("GET", `${second.endpoint}/_emulator/clock`)).body.now);
    expect(clockAfter).toBeGreaterThanOrEqual(clockBefore);
    expect(clockAfter - clockBefore).toBeLessThan(60_000);
    const after = await az2.getDeleted(name);
    expect(after.status).toBe(200);
    expect(after.body).toEqual(before);
    expect((await az2.purge(name)).status).toBe(403);
    expect((await az2.putHsm(name)).status).toBe(409);
    // Recover to see the deleted key survived too, then delete again and let retention run out.
    expect((await az2.recover(name)).status).toBe(200);
    expect((await request("GET", az2.key(name, "/deletedkeys/k"))).status).toBe(200);
    await az2.deleteHsm(name);
    await second.stop();

    const third = await startEmulatorProcess({ location });
    const az3 = new AzureRest(third, az.sub, az.rg);
    await az3.advanceClock({ advanceDays: 8 });
    expect((await az3.getDeleted(name)).status).toBe(404);
    expect((await az3.putHsm(name)).status).toBe(200);
    await third.stop();
  });

  it("an operation in flight when the emulator dies finishes after the restart", async () => {
    const location = tempDir();
    const first = await startEmulatorProcess({ location, provisioningDelay: "1s" });
    const az = new AzureRest(first);
    const name = hsmName();
    const put = await az.putHsm(name);
    expect(put.status).toBe(202);
    await first.stop("SIGKILL");
    const second = await startEmulatorProcess({ location, provisioningDelay: "1s" });
    const az2 = new AzureRest(second, az.sub, az.rg);
    const location2 = String(put.headers.location).replace(`:${first.port}/`, `:${second.port}/`);
    const done = await az2.poll({ ...put, headers: { ...put.headers, location: location2 } });
    expect(done.status).toBe(200);
    expect((await az2.getHsm(name)).body.properties.provisioningState).toBe("Succeeded");
    await second.stop();
  });

  it("--in-memory keeps nothing across restarts", async () => {
    const location = tempDir();
    const first = await startEmulatorProcess({ location, inMemory: true });
    const az = new AzureRest(first);
    const name = hsmName();
    await az.putHsm(name);
    await first.stop();
    const second = await startEmulatorProcess({ location, inMemory: true });
    expect((await new AzureRest(second, az.sub, az.rg).getHsm(name)).status).toBe(404);
    await second.stop();
  });

  it("SIGKILL while writes are being acknowledged: after restart every acknowledged write is there, and nothing that was never attempted", async () => {
    const location = tempDir();
    const first = await startEmulatorProcess({ location });
    const az = new AzureRest(first);
    const hsm = hsmName();
    await az.putHsm(hsm);
    const attempted = new Set<string>();
    const acknowledged = new Set<string>();
    let killed = false;
    const writer = async (worker: number) => {
      for (let i = 0; !killed; i++) {
        const name = `w${worker}-k${i}`;
        attempted.add(name);
        try {
          const res = await az.createKey(hsm, name, { kty: "oct-HSM", key_size: 256, tags: { worker: String(worker), i: String(i) } });
          if (res.status === 200) acknowledged.add(name);
        } catch {
          return; // connection reset by the kill
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    while (acknowledged.size < 150) await new Promise((r) => setTimeout(r, 5));
    killed = true;
    first.child.kill("SIGKILL");
    await Promise.all(writers);
    await first.stop();
    expect(acknowledged.size).toBeGreaterThanOrEqual(150);

    const second = await startEmulatorProcess({ location });
    const az2 = new AzureRest(second, az.sub, az.rg);
    const found = new Set<string>();
    let url: string | null = az2.key(hsm, "/keys?maxresults=25");
    while (url) {
      const page: { body: { value: { kid: string; tags: Record<string, string> }[]; nextLink: string | null } } = await request("GET", url);
      for (const item of page.body.value) {
        const name = item.kid.split("/").pop()!;
        found.add(name);
        // Whole: the tags written with the key are there with it.
        expect(item.tags.worker).toBe(name.slice(1, name.indexOf("-")));
      }
      url = page.body.nextLink;
    }
    for (const name of acknowledged) expect(found.has(name), `acknowledged ${name} lost`).toBe(true);
    for (const name of found) expect(attempted.has(name), `${name} was never written`).toBe(true);
    expect(found.size - acknowledged.size).toBeLessThanOrEqual(8);
    await second.stop();
  });
});
