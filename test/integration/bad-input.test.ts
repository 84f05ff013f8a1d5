import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArmErrorBody, DataPlaneErrorBody } from "../../model/errors";
import { type EmulatorProcess, startEmulatorProcess, stopAllEmulators } from "../support/emulator-process";
import { ARM_API, AzureRest, DATA_API, TENANT } from "../support/azure";
import { type RequestOptions, request } from "../support/http";

/**
 * Every malformed request gets a 4xx in Azure's error shape, and the server stays healthy. The table is
 * built per field from lists of bad values, so each row names what it breaks.
 */

let emu: EmulatorProcess;
let az: AzureRest;
const HSM = `badinput-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  emu = await startEmulatorProcess({ inMemory: true });
  az = new AzureRest(emu);
  expect((await az.putHsm(HSM)).status).toBe(200);
  expect((await az.createKey(HSM, "existing")).status).toBe(200);
});
afterAll(stopAllEmulators);

interface Case {
  name: string;
  method: string;
  url: () => string;
  options?: RequestOptions;
  plane: "control" | "data";
  status?: number;
}

const armHsm = (name = `new-${randomUUID().slice(0, 8)}`, query = ARM_API) =>
  `${emu.endpoint}/subscriptions/${az.sub}/resourceGroups/${az.rg}/providers/Microsoft.KeyVault/managedHSMs/${name}?${query}`;
const armSub = (path: string, query = ARM_API) => `${emu.endpoint}/subscriptions/${az.sub}/providers/Microsoft.KeyVault/${path}?${query}`;
const data = (path: string, query = DATA_API) => `${emu.hsmBase(HSM)}${path}${path.includes("?") ? "&" : "?"}${query}`;
const valid = () => ({ location: "westeurope", properties: { tenantId: TENANT } });

const cases: Case[] = [];
const put = (name: string, body: unknown, status = 400) =>
  cases.push({ name: `PUT hsm: ${name}`, method: "PUT", url: () => armHsm(), options: { body }, plane: "control", status });
const putProps = (field: string, values: unknown[]) =>
  values.forEach((v) => put(`properties.${field} = ${JSON.stringify(v)}`, { ...valid(), properties: { ...valid().properties, [field]: v } }));

// Bodies that are not JSON, or not an object.
for (const raw of ["{", '{"location":}', "[1,2", "nul", '"unterminated', "{'single':'quotes'}", "\u0000\u0001"]) {
  cases.push({ name: `PUT hsm: invalid JSON ${JSON.stringify(raw)}`, method: "PUT", url: () => armHsm(), options: { raw, headers: { "content-type": "application/json" } }, plane: "control" });
}
for (const body of [[], "x", 42, true]) put(`body ${JSON.stringify(body)}`, body);
cases.push({ name: "PUT hsm: no body", method: "PUT", url: () => armHsm(), plane: "control" });
// Top-level fields.
for (const location of [undefined, 5, {}, [], ""]) put(`location ${JSON.stringify(location)}`, { ...valid(), location });
for (const sku of ["Standard_B1", { family: "Z", name: "Standard_B1" }, { family: "B", name: "Premium" }, { family: "B" }]) put(`sku ${JSON.stringify(sku)}`, { ...valid(), sku });
for (const tags of ["x", { a: 1 }, { a: { b: "c" } }, { "": "empty" }, { a: "x".repeat(300) }]) put(`tags ${JSON.stringify(tags).slice(0, 40)}`, { ...valid(), tags });
for (const properties of ["x", [], 7]) put(`properties ${JSON.stringify(properties)}`, { ...valid(), properties });
// Properties.
putProps("tenantId", ["not-a-guid", 42, "11111111-1111-1111-1111"]);
put("properties.tenantId missing on create", { location: "westeurope", properties: {} });
putProps("initialAdminObjectIds", ["33333333-3333-3333-3333-333333333333", [123], ["nope"]]);
putProps("enableSoftDelete", ["yes", false, 0]);
putProps("softDeleteRetentionInDays", ["90", 6, 91, 7.5, -1, 0, null, 1e9]);
putProps("enablePurgeProtection", ["true", 1, null]);
putProps("createMode", ["restore", 5, ""]);
putProps("publicNetworkAccess", ["Open", true, "enabled "]);
putProps("networkAcls", ["x", { bypass: "All" }, { defaultAction: "Block" }, { ipRules: "1.2.3.4" }, { ipRules: [{}] }, { virtualNetworkRules: [{ id: 5 }] }]);
putProps("regions", ["westeurope", [{ isPrimary: true }]]);
// Names, subscription ids and resource groups in the path.
for (const name of ["ab", "1abc", "a--b", "abc-", "a".repeat(25), "ab_cd", "ab.cd", "-abc"]) {
  cases.push({ name: `PUT hsm: name '${name}'`, method: "PUT", url: () => armHsm(name), options: { body: valid() }, plane: "control" });
}
cases.push({ name: "PUT hsm: subscription not a GUID", method: "PUT", url: () => armHsm().replace(az.sub, "not-a-guid"), options: { body: valid() }, plane: "control" });
for (const rg of ["rg!", "r".repeat(91), "rg."]) {
  cases.push({ name: `PUT hsm: resource group '${rg.slice(0, 20)}'`, method: "PUT", url: () => armHsm().replace(`/resourceGroups/${az.rg}/`, `/resourceGroups/${encodeURIComponent(rg)}/`), options: { body: valid() }, plane: "control" });
}
// api-version.
for (const query of ["", "api-version=", "api-version=2020-01-01", "api-version=latest", "api-version=7.5"]) {
  cases.push({ name: `GET hsm: '${query}'`, method: "GET", url: () => armHsm(HSM, query), plane: "control" });
}
// PATCH bodies.
for (const body of [{ properties: { softDeleteRetentionInDays: "x" } }, { properties: { enablePurgeProtection: "no" } }, { tags: [] }, { sku: { family: "B", name: "Custom_B32" } }, { location: "eastus" }, { properties: { tenantId: randomUUID() } }]) {
  cases.push({ name: `PATCH hsm: ${JSON.stringify(body)}`, method: "PATCH", url: () => armHsm(HSM), options: { body }, plane: "control" });
}
// Wrong methods and unknown paths.
cases.push({ name: "POST on an HSM", method: "POST", url: () => armHsm(HSM), options: { body: {} }, plane: "control", status: 405 });
cases.push({ name: "PUT on a list", method: "PUT", url: () => armSub("managedHSMs"), options: { body: {} }, plane: "control", status: 405 });
cases.push({ name: "DELETE on deleted list", method: "DELETE", url: () => armSub("deletedManagedHSMs"), plane: "control", status: 405 });
cases.push({ name: "GET on purge", method: "GET", url: () => armSub(`locations/westeurope/deletedManagedHSMs/${HSM}/purge`), plane: "control", status: 405 });
cases.push({ name: "PATCH a deleted HSM", method: "PATCH", url: () => armSub(`locations/westeurope/deletedManagedHSMs/${HSM}`), options: { body: {} }, plane: "control", status: 405 });
cases.push({ name: "unknown provider path", method: "GET", url: () => `${emu.endpoint}/subscriptions/${az.sub}/providers/Microsoft.Foo/bars?${ARM_API}`, plane: "control", status: 404 });
cases.push({ name: "unknown root path", method: "GET", url: () => `${emu.endpoint}/nope`, plane: "control", status: 404 });
cases.push({ name: "internal data-plane prefix on the control host", method: "GET", url: () => `${emu.endpoint}/_hsm/${HSM}/keys?${DATA_API}`, plane: "control", status: 404 });
cases.push({ name: "unknown operation id", method: "GET", url: () => armSub(`locations/westeurope/managedHsmOperationResults/${randomUUID()}`), plane: "control", status: 404 });
// Sizes and media types.
cases.push({ name: "PUT hsm: body over 1 MiB", method: "PUT", url: () => armHsm(), options: { body: { ...valid(), tags: { big: "x".repeat(1_100_000) } } }, plane: "control", status: 413 });
cases.push({ name: "PUT hsm: text/plain body", method: "PUT", url: () => armHsm(), options: { raw: JSON.stringify(valid()), headers: { "content-type": "text/plain" } }, plane: "control", status: 415 });
// Name availability.
for (const body of [undefined, { name: 5 }, [], { nom: "x" }]) {
  cases.push({ name: `checkMhsmNameAvailability ${JSON.stringify(body)}`, method: "POST", url: () => armSub("checkMhsmNameAvailability"), ...(body !== undefined ? { options: { body } } : {}), plane: "control" });
}
// Paging.
for (const top of ["0", "-1", "abc", "100000", "1.5"]) {
  cases.push({ name: `list with $top=${top}`, method: "GET", url: () => armSub("managedHSMs", `${ARM_API}&$top=${top}`), plane: "control" });
}
cases.push({ name: "list with $skiptoken=abc", method: "GET", url: () => armSub("managedHSMs", `${ARM_API}&$skiptoken=abc`), plane: "control" });
// The emulator's clock.
for (const body of [{ advanceDays: -1 }, { advanceSeconds: "x" }, {}, { foo: 1 }, { advanceSeconds: null }, []]) {
  cases.push({ name: `POST clock ${JSON.stringify(body)}`, method: "POST", url: () => `${emu.endpoint}/_emulator/clock`, options: { body }, plane: "control" });
}

// Data plane: key bodies.
const createKey = (name: string, body: unknown, status = 400) =>
  cases.push({ name: `create key: ${name}`, method: "POST", url: () => data(`/keys/k-${randomUUID().slice(0, 8)}/create`), options: { body }, plane: "data", status });
for (const body of [[], "x", {}, { kty: "DSA" }, { kty: 5 }, { kty: "RSA-HSM", key_size: "2048" }, { kty: "RSA-HSM", key_size: 1024 }, { kty: "RSA-HSM", crv: "P-256" }, { kty: "EC-HSM", crv: "P-192" }, { kty: "EC-HSM", key_size: 256 }, { kty: "oct-HSM", key_size: 64 }]) {
  createKey(JSON.stringify(body), body);
}
for (const key_ops of ["sign", ["fly"], [1]]) createKey(`key_ops ${JSON.stringify(key_ops)}`, { kty: "EC-HSM", key_ops });
for (const attributes of ["x", { enabled: "yes" }, { exp: "tomorrow" }, { nbf: 1.5 }]) createKey(`attributes ${JSON.stringify(attributes)}`, { kty: "EC-HSM", attributes });
createKey("tags with a number", { kty: "EC-HSM", tags: { a: 1 } });
cases.push({ name: "create key: invalid JSON", method: "POST", url: () => data("/keys/k1/create"), options: { raw: "{kty:", headers: { "content-type": "application/json" } }, plane: "data" });
cases.push({ name: "create key: no body", method: "POST", url: () => data("/keys/k1/create"), plane: "data" });
for (const name of ["bad_name", "a.b", "a".repeat(128), "bad%20name"]) {
  cases.push({ name: `create key named '${name.slice(0, 20)}'`, method: "POST", url: () => data(`/keys/${name}/create`), options: { body: { kty: "EC-HSM" } }, plane: "data" });
}
for (const query of ["", "api-version=7.0", "api-version=2024-11-01"]) {
  cases.push({ name: `list keys with '${query}'`, method: "GET", url: () => data("/keys", query), plane: "data" });
}
for (const max of ["0", "26", "x"]) cases.push({ name: `list keys maxresults=${max}`, method: "GET", url: () => data(`/keys?maxresults=${max}`), plane: "data" });
for (const body of [{ attributes: { nbf: "x" } }, { key_ops: ["x"] }, { tags: "x" }, []]) {
  cases.push({ name: `update key ${JSON.stringify(body)}`, method: "PATCH", url: () => data("/keys/existing"), options: { body }, plane: "data" });
}
for (const body of [{}, { key: "x" }, { key: { kty: "RSA" } }, { key: { kty: "oct", k: "c2hvcnQ" } }, { key: { kty: "EC", crv: "P-256", x: "a", y: "b", d: "c" } }, { key: { kty: "DSA" } }]) {
  cases.push({ name: `import key ${JSON.stringify(body)}`, method: "PUT", url: () => data(`/keys/imp-${randomUUID().slice(0, 8)}`), options: { body }, plane: "data" });
}
cases.push({ name: "get a missing key version", method: "GET", url: () => data(`/keys/existing/${"0".repeat(32)}`), plane: "data", status: 404 });
cases.push({ name: "recover a key that isn't deleted", method: "POST", url: () => data("/deletedkeys/existing/recover"), plane: "data", status: 404 });
cases.push({ name: "PUT on the key list", method: "PUT", url: () => data("/keys"), options: { body: {} }, plane: "data", status: 405 });
cases.push({ name: "DELETE on the deleted-key list", method: "DELETE", url: () => data("/deletedkeys"), plane: "data", status: 405 });
cases.push({ name: "POST to a key", method: "POST", url: () => data("/keys/existing/abc"), options: { body: {} }, plane: "data", status: 405 });
cases.push({ name: "keys of an HSM that doesn't exist", method: "GET", url: () => `${emu.hsmBase("nosuchhsm")}/keys?${DATA_API}`, plane: "data", status: 404 });
cases.push({ name: "key name over the router's length limit", method: "GET", url: () => data(`/keys/${"a".repeat(2000)}`), plane: "data", status: 400 });
cases.push({ name: "malformed percent-encoding in the path", method: "GET", url: () => `${emu.endpoint}/subscriptions/%E0%A4%A/providers?${ARM_API}`, plane: "control", status: 400 });
cases.push({ name: "unknown data-plane path", method: "GET", url: () => data("/secrets"), plane: "data", status: 404 });

describe(`${cases.length} malformed requests`, () => {
  it("has at least 100 rows", () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s: 4xx in Azure's error shape", async (_name, c) => {
    const res = await request(c.method, c.url(), c.options);
    if (c.status !== undefined) expect(res.status).toBe(c.status);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const schema = c.plane === "control" ? ArmErrorBody : DataPlaneErrorBody;
    const parsed = schema.safeParse(res.body);
    expect(parsed.success, `body was ${res.text.slice(0, 200)}`).toBe(true);
    expect(parsed.data!.error.message.length).toBeGreaterThan(10);
  });

  it("leaves the server healthy and its state untouched", async () => {
    expect((await request("GET", `${emu.endpoint}/_emulator/health`)).status).toBe(200);
    const hsm = await az.getHsm(HSM);
    expect(hsm.body.properties).toMatchObject({ softDeleteRetentionInDays: 90, enablePurgeProtection: false });
    expect((await request("GET", data("/keys"))).body.value).toHaveLength(1);
    expect(emu.stderr()).not.toMatch(/unhandled error/);
  });
});
