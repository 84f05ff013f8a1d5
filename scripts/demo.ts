/**
 * `npm run demo`: the whole story in one command. It starts an emulator on a temporary folder, installs this
 * package the way a user would, and walks the `basic` example through preview, up, a change, a refused
 * change, destroy, the soft-deleted state, recovery and purge. It prints Pulumi-style previews and what
 * the emulator holds after each step.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { AzureRest, credentialsFor } from "../test/support/azure";
import { startEmulatorProcess, stopAllEmulators } from "../test/support/emulator-process";
import { Stack, addProgram, installUserRepo, render } from "../test/support/engine/harness";
import { request } from "../test/support/http";

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const step = (n: number, title: string) => console.log(`\n${bold(`── ${n}. ${title}`)}`);

async function main(): Promise<void> {
  console.log(bold("pulumi-managed-hsm demo"));
  const emu = await startEmulatorProcess({ secure: true, provisioningDelay: "0" });
  console.log(`emulator: ${emu.endpoint} (state in ${emu.location})`);
  const repo = installUserRepo((line) => console.log(`… ${line}`));
  console.log(`… installed in ${(repo.installMs / 1000).toFixed(0)} s`);
  const sub = randomUUID();
  const rest = new AzureRest(emu, sub, "rg-payments", await credentialsFor(emu));
  const hsmName = `demo-${randomUUID().slice(0, 6)}`;
  const stack = new Stack(repo, addProgram(repo, "basic"), { "mhsm:endpoint": emu.endpoint, "mhsm:caCert": emu.ca!, "mhsm:subscriptionId": sub }, { hsmName });

  const holdings = async () => {
    const live = (await rest.send("GET", `${emu.endpoint}/subscriptions/${sub}/providers/Microsoft.KeyVault/managedHSMs?api-version=2024-11-01`)).body.value as { name: string; properties: { softDeleteRetentionInDays: number; enablePurgeProtection: boolean }; tags: Record<string, string> }[];
    const deleted = (await rest.listDeleted()).body.value as { name: string; properties: { scheduledPurgeDate: string } }[];
    console.log("  emulator holds:");
    for (const h of live) {
      const keys = (await rest.send("GET", `${emu.hsmBase(h.name)}/keys?api-version=7.5`)).body.value as { kid: string }[] | undefined;
      const deletedKeys = (await rest.send("GET", `${emu.hsmBase(h.name)}/deletedkeys?api-version=7.5`)).body.value as { kid: string; scheduledPurgeDate: number }[] | undefined;
      console.log(`    HSM ${h.name} (live; retention ${h.properties.softDeleteRetentionInDays} d; tags ${JSON.stringify(h.tags)})`);
      for (const k of keys ?? []) console.log(`      key ${k.kid.split("/").pop()}`);
      for (const k of deletedKeys ?? []) console.log(`      key ${k.kid.split("/").pop()} (soft-deleted until ${new Date(k.scheduledPurgeDate * 1000).toISOString()})`);
    }
    for (const d of deleted) console.log(`    HSM ${d.name} (soft-deleted; name reserved until ${d.properties.scheduledPurgeDate})`);
    if (!live.length && !deleted.length) console.log("    nothing");
  };

  step(1, "pulumi preview");
  console.log(render(await stack.preview()));
  step(2, "pulumi up");
  console.log(render(await stack.up(), "up"));
  await holdings();
  step(3, "change a tag: preview shows an update in place");
  console.log(render(await stack.preview({ hsmName, env: "staging" })));
  console.log(render(await stack.up({ hsmName, env: "staging" }), "up"));
  step(4, "change the retention of a named HSM: preview refuses, and says until when the name would stay taken");
  console.log(render(await stack.preview({ hsmName, env: "staging", retentionDays: "30" })));
  step(5, "pulumi destroy: everything is soft-deleted, not gone");
  console.log(render(await stack.destroy(), "destroy"));
  await holdings();
  const usage = (await request("GET", `${emu.endpoint}/_emulator/usage`, { ca: emu.ca!, token: rest.credentials.control! })).body.value as { name: string; state: string; billableHours: number }[];
  console.log(`  billing: ${usage.map((u) => `${u.name} ${u.state}, ${u.billableHours} h so far (a soft-deleted HSM keeps accruing)`).join("; ")}`);
  step(6, "pulumi up again: the soft-deleted name blocks a plain create");
  console.log(render(await stack.preview({ hsmName, env: "staging" })));
  step(7, "pulumi up with recover: true brings the HSM and its keys back");
  console.log(render(await stack.up({ hsmName, env: "staging", recover: "true" }), "up"));
  await holdings();
  step(8, "destroy, then purge deliberately: the name is free again");
  await stack.destroy();
  const purge = await rest.purge(hsmName);
  await rest.poll(purge);
  console.log(`  purge: HTTP ${purge.status}, then done`);
  await holdings();
  fs.rmSync(repo.dir, { recursive: true, force: true });
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => stopAllEmulators());
