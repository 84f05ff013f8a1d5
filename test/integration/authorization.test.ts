import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CONTROL_ACTIONS as C,
  CONTROL_PLANE_ROLES,
  DATA_ACTIONS as D,
  DATA_PLANE_ROLES,
  type RoleDefinition,
  permits,
} from "../../model/roles";
import { type EmulatorProcess, startEmulatorProcess, stopAllEmulators, tempDir } from "../support/emulator-process";
import { ARM_API, AzureRest, TENANT, credentialsFor, hsmName } from "../support/azure";
import type { HttpResponse } from "../support/http";

/**
 * Every operation of both planes, against every built-in role and against no role. The expected answer
 * for each pair comes from the role table the emulator enforces (model/roles.ts); the literal checks at
 * the end pin the facts that must hold whatever the table says.
 */

const SUB = randomUUID();
const slug = (name: string) => name.toLowerCase().replace(/[^a-z]+/g, "-");
const controlPrincipals = [...CONTROL_PLANE_ROLES.map((r) => ({ role: r as RoleDefinition | undefined, clientId: `ctl-${slug(r.name)}` })), { role: undefined, clientId: "ctl-none" }];
const dataPrincipals = [...DATA_PLANE_ROLES.map((r) => ({ role: r as RoleDefinition | undefined, clientId: `dp-${slug(r.name)}` })), { role: undefined, clientId: "dp-none" }];
const objectIds = new Map<string, string>();

function principalsFile(): string {
  const principal = (clientId: string, roleAssignments: unknown[] = [], emulatorAdmin = false) => {
    const objectId = randomUUID();
    objectIds.set(clientId, objectId);
    return { displayName: clientId, clientId, clientSecret: `${clientId}-secret`, objectId, emulatorAdmin, roleAssignments };
  };
  const file = path.join(tempDir(), "principals.json");
  fs.writeFileSync(
    file,
    JSON.stringify({
      tenantId: TENANT,
      principals: [
        principal("setup", [{ role: "Owner", scope: "/" }], true),
        ...controlPrincipals.map((p) => principal(p.clientId, p.role ? [{ role: p.role.name, scope: `/subscriptions/${SUB}` }] : [])),
        ...dataPrincipals.map((p) => principal(p.clientId)),
      ],
    }),
  );
  return file;
}

let emu: EmulatorProcess;
let setup: AzureRest;
let HSM: string;

const assign = (az: AzureRest, roleId: string, principalId: string, scope = "/") =>
  az.send("PUT", az.key(HSM, `${scope === "/" ? "/" : scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}`), {
    body: { properties: { roleDefinitionId: `Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/${roleId}`, principalId } },
  });

beforeAll(async () => {
  emu = await startEmulatorProcess({ secure: true, extraArgs: ["--principals", principalsFile()] });
  setup = new AzureRest(emu, SUB, "rg-authz", await credentialsFor(emu, "setup", "setup-secret"));
  HSM = hsmName("authz");
  const created = await setup.putHsm(HSM, { initialAdminObjectIds: [objectIds.get("setup")] });
  expect(created.status).toBe(200);
  // The setup principal is the HSM's initial administrator; it gives itself key rights and every role its principal.
  expect((await assign(setup, "21dbd100-6940-42c2-9190-5d6cb909625b", objectIds.get("setup")!)).status).toBe(201);
  expect((await assign(setup, "515eb02d-2335-4d2d-92f2-b1cbdf9c3778", objectIds.get("setup")!)).status).toBe(201);
  for (const p of dataPrincipals) if (p.role) expect((await assign(setup, p.role.id, objectIds.get(p.clientId)!)).status).toBe(201);
});
afterAll(stopAllEmulators);

interface Operation {
  name: string;
  action: string;
  run: (az: AzureRest) => Promise<HttpResponse>;
}

const controlOps: Operation[] = [
  { name: "create an HSM", action: C.hsmWrite, run: (az) => az.putHsm(hsmName("c")) },
  { name: "update an HSM", action: C.hsmWrite, run: async (az) => { const n = hsmName("u"); await setup.putHsm(n); return az.patchHsm(n, { tags: { a: "b" } }); } },
  { name: "get an HSM", action: C.hsmRead, run: async (az) => { const n = hsmName("g"); await setup.putHsm(n); return az.getHsm(n); } },
  { name: "delete an HSM", action: C.hsmDelete, run: async (az) => { const n = hsmName("d"); await setup.putHsm(n); return az.deleteHsm(n); } },
  { name: "list HSMs in a resource group", action: C.hsmRead, run: (az) => az.send("GET", `${emu.endpoint}/subscriptions/${SUB}/resourceGroups/rg-authz/providers/Microsoft.KeyVault/managedHSMs?${ARM_API}`) },
  { name: "list HSMs in a subscription", action: C.hsmRead, run: (az) => az.send("GET", `${emu.endpoint}/subscriptions/${SUB}/providers/Microsoft.KeyVault/managedHSMs?${ARM_API}`) },
  { name: "list deleted HSMs", action: C.deletedHsmList, run: (az) => az.listDeleted() },
  { name: "show a deleted HSM", action: C.deletedHsmRead, run: async (az) => { const n = hsmName("sd"); await setup.putHsm(n); await setup.deleteHsm(n); return az.getDeleted(n); } },
  { name: "purge a deleted HSM", action: C.deletedHsmPurge, run: async (az) => { const n = hsmName("p"); await setup.putHsm(n); await setup.deleteHsm(n); return az.purge(n); } },
  { name: "recover a deleted HSM", action: C.hsmWrite, run: async (az) => { const n = hsmName("r"); await setup.putHsm(n); await setup.deleteHsm(n); return az.recover(n); } },
  { name: "check a name", action: C.checkName, run: (az) => az.send("POST", `${emu.endpoint}/subscriptions/${SUB}/providers/Microsoft.KeyVault/checkMhsmNameAvailability?${ARM_API}`, { body: { name: hsmName() } }) },
  {
    name: "poll an operation",
    action: C.operationRead,
    run: async (az) => {
      const n = hsmName("o");
      await setup.putHsm(n);
      await setup.deleteHsm(n);
      const purge = await setup.purge(n);
      return az.send("GET", String(purge.headers.location));
    },
  },
  { name: "create a role assignment", action: C.roleAssignmentWrite, run: (az) => az.send("PUT", rbac(`/roleAssignments/${randomUUID()}`), { body: readerFor(randomUUID()) }) },
  { name: "get a role assignment", action: C.roleAssignmentRead, run: async (az) => { const id = await seededAssignment(); return az.send("GET", rbac(`/roleAssignments/${id}`)); } },
  { name: "delete a role assignment", action: C.roleAssignmentDelete, run: async (az) => { const id = await seededAssignment(); return az.send("DELETE", rbac(`/roleAssignments/${id}`)); } },
  { name: "list role assignments", action: C.roleAssignmentRead, run: (az) => az.send("GET", rbac("/roleAssignments")) },
  { name: "list role definitions", action: C.roleDefinitionRead, run: (az) => az.send("GET", rbac("/roleDefinitions")) },
];

function rbac(path: string): string {
  return `${emu.endpoint}/subscriptions/${SUB}/providers/Microsoft.Authorization${path}?api-version=2022-04-01`;
}
function readerFor(principalId: string) {
  return { properties: { roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`, principalId } };
}
async function seededAssignment(): Promise<string> {
  const id = randomUUID();
  const res = await setup.send("PUT", rbac(`/roleAssignments/${id}`), { body: readerFor(randomUUID()) });
  expect(res.status).toBe(201);
  return id;
}

let keyCounter = 0;
async function liveKey(): Promise<string> {
  const name = `k${++keyCounter}`;
  expect((await setup.createKey(HSM, name, { kty: "oct-HSM" })).status).toBe(200);
  return name;
}
async function deletedKey(): Promise<string> {
  const name = await liveKey();
  expect((await setup.send("DELETE", setup.key(HSM, `/keys/${name}`))).status).toBe(200);
  return name;
}

const dataOps: Operation[] = [
  { name: "create a key", action: D.keyCreate, run: (az) => az.createKey(HSM, `new${++keyCounter}`, { kty: "oct-HSM" }) },
  { name: "import a key", action: D.keyImport, run: (az) => az.send("PUT", az.key(HSM, `/keys/imp${++keyCounter}`), { body: { key: { kty: "oct", k: "AAECAwQFBgcICQoLDA0ODw" } } }) },
  { name: "get a key", action: D.keyRead, run: async (az) => az.send("GET", az.key(HSM, `/keys/${await liveKey()}`)) },
  {
    name: "get a key version",
    action: D.keyRead,
    run: async (az) => {
      const name = `v${++keyCounter}`;
      const created = await setup.createKey(HSM, name, { kty: "oct-HSM" });
      return az.send("GET", az.key(HSM, `/keys/${name}/${String(created.body.key.kid).split("/").pop()}`));
    },
  },
  { name: "update a key", action: D.keyWrite, run: async (az) => az.send("PATCH", az.key(HSM, `/keys/${await liveKey()}`), { body: { tags: { a: "b" } } }) },
  { name: "list keys", action: D.keyRead, run: (az) => az.send("GET", az.key(HSM, "/keys")) },
  { name: "list a key's versions", action: D.keyRead, run: async (az) => az.send("GET", az.key(HSM, `/keys/${await liveKey()}/versions`)) },
  { name: "rotate a key", action: D.keyRotate, run: async (az) => az.send("POST", az.key(HSM, `/keys/${await liveKey()}/rotate`)) },
  { name: "delete a key", action: D.keyDelete, run: async (az) => az.send("DELETE", az.key(HSM, `/keys/${await liveKey()}`)) },
  { name: "list deleted keys", action: D.deletedKeyRead, run: (az) => az.send("GET", az.key(HSM, "/deletedkeys")) },
  { name: "show a deleted key", action: D.deletedKeyRead, run: async (az) => az.send("GET", az.key(HSM, `/deletedkeys/${await deletedKey()}`)) },
  { name: "recover a deleted key", action: D.deletedKeyRecover, run: async (az) => az.send("POST", az.key(HSM, `/deletedkeys/${await deletedKey()}/recover`)) },
  { name: "purge a deleted key", action: D.deletedKeyPurge, run: async (az) => az.send("DELETE", az.key(HSM, `/deletedkeys/${await deletedKey()}`)) },
  { name: "create a local role assignment", action: D.roleAssignmentWrite, run: (az) => assign(az, "2c18b078-7c48-4d3a-af88-5a3a1b3f82b3", randomUUID(), "/keys") },
  {
    name: "get a local role assignment",
    action: D.roleAssignmentRead,
    run: async (az) => {
      const made = await assign(setup, "2c18b078-7c48-4d3a-af88-5a3a1b3f82b3", randomUUID());
      return az.send("GET", az.key(HSM, `//providers/Microsoft.Authorization/roleAssignments/${made.body.name}`));
    },
  },
  {
    name: "delete a local role assignment",
    action: D.roleAssignmentDelete,
    run: async (az) => {
      const made = await assign(setup, "2c18b078-7c48-4d3a-af88-5a3a1b3f82b3", randomUUID());
      return az.send("DELETE", az.key(HSM, `//providers/Microsoft.Authorization/roleAssignments/${made.body.name}`));
    },
  },
  { name: "list local role assignments", action: D.roleAssignmentRead, run: (az) => az.send("GET", az.key(HSM, "//providers/Microsoft.Authorization/roleAssignments")) },
  { name: "list local role definitions", action: D.roleDefinitionRead, run: (az) => az.send("GET", az.key(HSM, "//providers/Microsoft.Authorization/roleDefinitions")) },
];

function expectDecision(res: HttpResponse, allowed: boolean, action: string) {
  if (allowed) {
    expect([401, 403], `allowed but answered ${res.status} ${res.text}`).not.toContain(res.status);
    expect(res.status).toBeLessThan(300);
  } else {
    expect(res.status, res.text).toBe(403);
    expect(["AuthorizationFailed", "Forbidden"]).toContain(res.body.error.code);
    expect(res.body.error.message).toContain(action);
  }
}

describe("control plane: every operation against every built-in role and none", () => {
  const cases = controlPrincipals.flatMap((p) => controlOps.map((op) => [p.role?.name ?? "no role", op.name, p, op] as const));
  it.each(cases)("%s: %s", async (_role, _op, principal, op) => {
    const az = new AzureRest(emu, SUB, "rg-authz", await credentialsFor(emu, principal.clientId, `${principal.clientId}-secret`));
    const allowed = principal.role !== undefined && permits(principal.role, op.action, "action");
    expectDecision(await op.run(az), allowed, op.action);
  });
});

describe("data plane: every operation against every built-in role and none", () => {
  const cases = dataPrincipals.flatMap((p) => dataOps.map((op) => [p.role?.name ?? "no role", op.name, p, op] as const));
  it.each(cases)("%s: %s", async (_role, _op, principal, op) => {
    const az = new AzureRest(emu, SUB, "rg-authz", await credentialsFor(emu, principal.clientId, `${principal.clientId}-secret`));
    const allowed = principal.role !== undefined && permits(principal.role, op.action, "dataAction");
    expectDecision(await op.run(az), allowed, op.action);
  });
});

describe("facts that hold whatever the table says", () => {
  const role = (plane: "control" | "data", name: string) => (plane === "control" ? CONTROL_PLANE_ROLES : DATA_PLANE_ROLES).find((r) => r.name === name)!;
  it.each([
    ["control", "Reader", C.deletedHsmPurge, false],
    ["control", "Reader", C.hsmWrite, false],
    ["control", "Reader", C.hsmRead, true],
    ["control", "Managed HSM contributor", C.deletedHsmPurge, true],
    ["control", "Managed HSM contributor", C.roleAssignmentWrite, false],
    ["control", "Contributor", C.roleAssignmentWrite, false],
    ["control", "Contributor", C.deletedHsmPurge, true],
    ["control", "Owner", C.roleAssignmentWrite, true],
    ["data", "Managed HSM Crypto User", D.keyDelete, true],
    ["data", "Managed HSM Crypto User", D.deletedKeyPurge, false],
    ["data", "Managed HSM Crypto User", D.deletedKeyRecover, false],
    ["data", "Managed HSM Crypto Officer", D.deletedKeyPurge, true],
    ["data", "Managed HSM Crypto Officer", D.deletedKeyRecover, true],
    ["data", "Managed HSM Crypto Officer", D.keyCreate, false],
    ["data", "Managed HSM Administrator", D.keyCreate, false],
    ["data", "Managed HSM Administrator", D.roleAssignmentWrite, true],
    ["data", "Managed HSM Crypto Auditor", D.keyRead, true],
    ["data", "Managed HSM Crypto Auditor", D.keyCreate, false],
    ["data", "Managed HSM Policy Administrator", D.roleAssignmentWrite, true],
    ["data", "Managed HSM Policy Administrator", D.keyRead, false],
  ] as const)("%s %s: %s allowed = %s", (plane, name, action, allowed) => {
    expect(permits(role(plane, name), action, plane === "control" ? "action" : "dataAction")).toBe(allowed);
  });
});
