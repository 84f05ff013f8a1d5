import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import type * as PolicyModule from "../../sdk/policy";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type EmulatorProcess, startEmulatorProcess, stopAllEmulators } from "../support/emulator-process";
import { AzureRest, credentialsFor } from "../support/azure";
import { Stack, type UserRepo, addProgram, installUserRepo, render } from "../support/engine/harness";

/**
 * The examples as `pulumi up` runs them: installed from the packed tarball, serialized by the SDK's closure
 * serializer, loaded by the SDK's own dynamic-provider server, and called over gRPC in the engine's order.
 */

// Each command starts a runner and the SDK's provider server (about 2 s); a scenario runs up to a dozen.
vi.setConfig({ testTimeout: 240_000 });

let repo: UserRepo;
let emu: EmulatorProcess;
let rest: AzureRest;
const sub = randomUUID();

beforeAll(async () => {
  repo = installUserRepo((line) => console.log(`[engine] ${line}`));
  console.log(`[engine] packed and installed in ${(repo.installMs / 1000).toFixed(1)} s`);
  emu = await startEmulatorProcess({ secure: true, inMemory: true });
  rest = new AzureRest(emu, sub, "rg", await credentialsFor(emu));
}, 300_000);
afterAll(async () => {
  await stopAllEmulators();
  if (repo) fs.rmSync(repo.dir, { recursive: true, force: true });
});

const stackFor = (example: string, config: Record<string, string> = {}) =>
  new Stack(repo, addProgram(repo, example), { "mhsm:endpoint": emu.endpoint, "mhsm:caCert": emu.ca!, "mhsm:subscriptionId": sub }, config);
const ops = (r: { steps: { op: string; name: string }[] }) => r.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.name}`);

describe("basic example", () => {
  it("up creates everything; preview then shows nothing; destroy soft-deletes; up with recover brings it all back; refresh drops what was deleted out of band", async () => {
    const hsmName = `basic-${randomUUID().slice(0, 8)}`;
    const stack = stackFor("basic", { hsmName });

    const preview = await stack.preview();
    expect(preview.errors).toEqual([]);
    expect(ops(preview)).toEqual(["create payments", "create crypto-user", "create crypto-officer", "create signing", "create wrapping"]);
    console.log(`[engine] basic, first preview:\n${render(preview)}`);

    const up = await stack.up();
    expect(up.errors).toEqual([]);
    expect(ops(up)).toEqual(["create payments", "create crypto-user", "create crypto-officer", "create signing", "create wrapping"]);
    expect(up.outputs.hsmUri).toBe(`${emu.hsmBase(hsmName)}/`);
    expect(up.outputs.signingKid).toMatch(/\/keys\/signing\/[0-9a-f]{32}$/);
    // The stored provider is the serialized one, and it loads the installed package by name.
    expect(String(stack.state()[0]!.inputs.__provider)).toMatch(/require\("pulumi-managed-hsm\/dist\/provider\/resources\/managed-hsm\/operations(\.js)?"\)/);

    const again = await stack.preview();
    expect(ops(again)).toEqual([]);
    expect(render(again)).toContain("Resources: 5 unchanged");

    const tagged = await stack.preview({ hsmName, env: "staging" });
    expect(render(tagged)).toMatch(/~ +mhsm:ManagedHsm +payments +update \[diff: ~tags\]/);
    await stack.up({ hsmName, env: "staging" });
    expect((await rest.send("GET", rest.hsmPath(hsmName, "rg-payments"))).body.tags).toEqual({ env: "staging" });

    const destroyed = await stack.destroy();
    expect(ops(destroyed)).toEqual(["delete wrapping", "delete signing", "delete crypto-officer", "delete crypto-user", "delete payments"]);
    const deleted = (await rest.listDeleted()).body.value.find((d: { name: string }) => d.name === hsmName);
    expect(deleted.properties.scheduledPurgeDate).toEqual(expect.any(String));

    const blocked = await stack.preview({ hsmName });
    expect(render(blocked)).toMatch(/error: mhsm:ManagedHsm resource 'payments': property name value .* has a problem: a soft-deleted managed HSM/);

    const recovered = await stack.up({ hsmName, recover: "true" });
    expect(recovered.errors).toEqual([]);
    expect((await rest.send("GET", rest.hsmPath(hsmName, "rg-payments"))).status).toBe(200);
    expect(recovered.outputs.signingKid).toBe(up.outputs.signingKid);

    await rest.send("DELETE", `${emu.hsmBase(hsmName)}/keys/wrapping?api-version=7.5`);
    const refreshed = await stack.refresh();
    expect(refreshed.steps.filter((s) => s.op === "read-gone").map((s) => s.name)).toEqual(["wrapping"]);
    expect(stack.state().map((r) => r.name)).not.toContain("wrapping");
  });
});

describe("retention-change example", () => {
  it("a generated name: preview shows a replacement, up creates the new HSM first and soft-deletes the old", async () => {
    const stack = stackFor("retention-change");
    await stack.up();
    const oldName = stack.state()[0]!.outputs.name as string;
    const preview = await stack.preview({ retentionDays: "60" });
    expect(render(preview)).toMatch(/\+- +mhsm:ManagedHsm +ledger +replace \[diff: ~.*softDeleteRetentionInDays/);
    const up = await stack.up({ retentionDays: "60" });
    expect(up.errors).toEqual([]);
    expect(up.outputs.retention).toBe(60);
    expect(up.outputs.name).not.toBe(oldName);
    expect((await rest.getDeleted(oldName)).status).toBe(200);
  });

  it("a fixed name: preview refuses, with the date the name frees up", async () => {
    const hsmName = `ledger-${randomUUID().slice(0, 8)}`;
    const stack = stackFor("retention-change", { hsmName });
    await stack.up();
    const preview = await stack.preview({ hsmName, retentionDays: "60" });
    const text = render(preview);
    expect(text).toMatch(/error: mhsm:ManagedHsm resource 'ledger': property softDeleteRetentionInDays value 60 has a problem: changing softDeleteRetentionInDays replaces the HSM, but the name '.*' would stay reserved .* until about \d{4}-/);
    expect(text).toContain("1 failed check");
    const up = await stack.up({ hsmName, retentionDays: "60" });
    expect(up.failures).toHaveLength(1);
    expect((await rest.send("GET", rest.hsmPath(hsmName, "rg-ledger"))).body.properties.softDeleteRetentionInDays).toBe(30);
  });
});

describe("recover-key example", () => {
  it("deletes a key (soft), refuses to recreate its name, recovers it with recoverSoftDeleted", async () => {
    const stack = stackFor("recover-key");
    const first = await stack.up();
    expect(first.errors).toEqual([]);
    const removed = await stack.up({ keyPresent: "false" });
    expect(ops(removed)).toEqual(["delete customer-data"]);
    const refused = await stack.preview({ keyPresent: "true" });
    expect(render(refused)).toMatch(/property name value "customer-data" has a problem: a soft-deleted key named 'customer-data' holds this name until/);
    const back = await stack.up({ keyPresent: "true", recoverKey: "true" });
    expect(back.errors).toEqual([]);
    expect(back.outputs.kid).toBe(first.outputs.kid);
  });
});

describe("production example", () => {
  it("creates a purge-protected HSM with expiring keys; turning purge protection off is refused at preview", async () => {
    const stack = stackFor("production");
    const up = await stack.up();
    expect(up.errors).toEqual([]);
    expect(up.outputs.recoveryLevel).toBe("Recoverable");
    expect(stack.state().find((r) => r.name === "prod")!.outputs.enablePurgeProtection).toBe(true);
    const off = await stack.preview({ purgeProtection: "false" });
    expect(render(off)).toMatch(/property enablePurgeProtection value false has a problem: purge protection can't be disabled once it has been enabled/);
  });
});

describe("policies against real programs (pulumi-managed-hsm/policy)", () => {
  // The testing API and the policies as users get them: from the installed package.
  let policy: typeof PolicyModule;
  beforeAll(() => {
    policy = require(require.resolve("pulumi-managed-hsm/policy", { paths: [repo.dir] })) as typeof PolicyModule;
  });
  const testProgramPolicies: typeof PolicyModule.testProgramPolicies = (...args) => policy.testProgramPolicies(...args);
  const validateResourceInputs: typeof PolicyModule.validateResourceInputs = (...args) => policy.validateResourceInputs(...args);
  const RESOURCE_TYPES = { managedHsm: "pulumi-nodejs:dynamic/mhsm:ManagedHsm" } as const;
  type Violation = PolicyModule.Violation;
  const run = async (example: string, options: Parameters<typeof testProgramPolicies>[2] = {}) => testProgramPolicies(addProgram(repo, example), policy.mhsmPolicies, options);
  const named = (vs: Violation[]) => vs.map((v) => `${v.policy} ${v.resource ?? ""}`.trim()).sort();

  function badProgram(name: string, source: string): string {
    const dir = path.join(repo.dir, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "index.js"), source);
    return path.join(dir, "index.js");
  }

  it("the production example passes every policy", async () => {
    const { resources, violations } = await run("production");
    expect(resources.map((r) => r.type)).toContain("pulumi-nodejs:dynamic/mhsm:ManagedHsm");
    expect(violations).toEqual([]);
  });

  it("the basic example breaks purge protection, retention, key expiry and separation of duties", async () => {
    const { violations } = await run("basic");
    expect(named(violations)).toEqual([
      "mhsm-key-expiry-required signing",
      "mhsm-key-expiry-required wrapping",
      "mhsm-minimum-retention payments",
      "mhsm-purge-protection-required payments",
      "mhsm-separation-of-duties crypto-officer",
    ]);
    expect(violations.find((v) => v.policy === "mhsm-minimum-retention")!.message).toMatch(/softDeleteRetentionInDays is 7; at least 90 is required/);
    expect(violations.find((v) => v.policy === "mhsm-separation-of-duties")!.message).toMatch(/holds both Managed HSM Crypto User \('crypto-user'\) and Crypto Officer \('crypto-officer'\)/);
  });

  it("policy config changes the verdict: minDays 7 and an advisory expiry rule", async () => {
    const { violations } = await run("basic", { policyConfig: { "mhsm-minimum-retention": { minDays: 7 }, "mhsm-key-expiry-required": { enforcementLevel: "advisory" }, "mhsm-separation-of-duties": { enforcementLevel: "disabled" } } });
    expect(named(violations)).toEqual(["mhsm-key-expiry-required signing", "mhsm-key-expiry-required wrapping", "mhsm-purge-protection-required payments"]);
    expect(violations.filter((v) => v.policy === "mhsm-key-expiry-required").every((v) => v.enforcementLevel === "advisory")).toBe(true);
  });

  it("a purpose-written bad program: purgeOnDelete, weak and far-expiring keys, a disallowed curve; an omitted retention is the default 90", async () => {
    const program = badProgram(
      "bad-keys",
      `const { ManagedHsm, HsmKey } = require("pulumi-managed-hsm");
       const hsm = new ManagedHsm("hsm", { resourceGroupName: "rg", location: "westeurope", enablePurgeProtection: true, purgeOnDelete: true });
       new HsmKey("weak", { hsmUri: hsm.hsmUri, kty: "RSA-HSM", keySize: 2048, expires: "2027-01-01T00:00:00Z", purgeOnDelete: true });
       new HsmKey("curve", { hsmUri: hsm.hsmUri, kty: "EC-HSM", curve: "P-256K", expires: "2027-01-01T00:00:00Z" });
       new HsmKey("forever", { hsmUri: hsm.hsmUri, kty: "EC-HSM", expires: "2035-01-01T00:00:00Z" });`,
    );
    const { violations } = await testProgramPolicies(program, policy.mhsmPolicies);
    expect(named(violations)).toEqual([
      "mhsm-key-expiry-required forever",
      "mhsm-key-strength curve",
      "mhsm-key-strength weak",
      "mhsm-no-purge-on-delete hsm",
      "mhsm-no-purge-on-delete weak",
    ]);
    expect(violations.find((v) => v.resource === "weak" && v.policy === "mhsm-key-strength")!.message).toBe("RSA keys must be at least 3072 bits; this one is 2048.");
  });

  it("at preview, a policy that reads an unknown value is skipped, as the engine skips it", async () => {
    const { resources, violations } = await run("basic", { preview: true });
    const user = resources.find((r) => r.name === "crypto-user")!;
    expect(user.props.hsmUri).toBe("04da6b54-80e4-46f7-96ec-b56ff0331ba9");
    expect(named(violations)).not.toContain("mhsm-separation-of-duties crypto-officer");
    expect(named(violations)).toContain("mhsm-purge-protection-required payments");
  });

  it("users' own policies work with the same API, on programs and on one resource's inputs", async () => {
    const ownerTag: ResourceValidationPolicy = {
      name: "team-owner-tag",
      description: "HSMs must carry an owner tag.",
      enforcementLevel: "advisory",
      validateResource: (args, report) => {
        if (args.type === RESOURCE_TYPES.managedHsm && !(args.props.tags as Record<string, string> | undefined)?.owner) report("tags.owner is required");
      },
    };
    expect(named((await run("basic")).violations.length ? (await testProgramPolicies(addProgram(repo, "basic"), [ownerTag])).violations : [])).toEqual(["team-owner-tag payments"]);
    expect((await testProgramPolicies(addProgram(repo, "production"), [ownerTag])).violations).toEqual([]);
    const single = await validateResourceInputs([ownerTag, ...policy.mhsmPolicies], { type: RESOURCE_TYPES.managedHsm, name: "one", props: { resourceGroupName: "rg", location: "l", enablePurgeProtection: true, tags: {} } });
    expect(single).toEqual([{ policy: "team-owner-tag", enforcementLevel: "advisory", message: "tags.owner is required", resource: "one", type: RESOURCE_TYPES.managedHsm, urn: expect.any(String) }]);
  });
});
