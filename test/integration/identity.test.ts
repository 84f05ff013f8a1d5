import { randomUUID } from "node:crypto";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorProcess, MHSM_BIN, startEmulatorProcess, stopAllEmulators, tempDir } from "../support/emulator-process";
import { ARM_API, AzureRest, TENANT, credentialsFor, getToken, hsmName } from "../support/azure";
import { request } from "../support/http";

const CRYPTO_USER = "21dbd100-6940-42c2-9190-5d6cb909625b";
const CRYPTO_OFFICER = "515eb02d-2335-4d2d-92f2-b1cbdf9c3778";
const ids = { admin: randomUUID(), user: randomUUID(), officer: randomUUID(), plain: randomUUID() };

function writePrincipals(dir: string): string {
  const file = path.join(dir, "principals.json");
  const p = (clientId: string, objectId: string, extra: Record<string, unknown> = {}) => ({ displayName: clientId, clientId, clientSecret: `${clientId}-secret`, objectId, ...extra });
  fs.writeFileSync(
    file,
    JSON.stringify({
      principals: [
        p("admin", ids.admin, { emulatorAdmin: true, roleAssignments: [{ role: "Owner", scope: "/" }] }),
        p("user", ids.user),
        p("officer", ids.officer),
        p("plain", ids.plain, { roleAssignments: [{ role: "Reader", scope: "/" }] }),
      ],
    }),
  );
  return file;
}

let emu: EmulatorProcess;
let location: string;
let principals: string;
let admin: AzureRest;

beforeAll(async () => {
  location = tempDir();
  principals = writePrincipals(location);
  emu = await startEmulatorProcess({ secure: true, location, extraArgs: ["--principals", principals] });
  admin = new AzureRest(emu, randomUUID(), "rg-id", await credentialsFor(emu, "admin", "admin-secret"));
});
afterAll(stopAllEmulators);

async function hsmWithRoles(az: AzureRest): Promise<string> {
  const hsm = hsmName("sod");
  expect((await az.putHsm(hsm, { initialAdminObjectIds: [ids.admin] })).status).toBe(200);
  for (const [role, principal] of [[CRYPTO_USER, ids.user], [CRYPTO_OFFICER, ids.officer], [CRYPTO_USER, ids.admin]] as const) {
    const res = await az.send("PUT", az.key(hsm, `//providers/Microsoft.Authorization/roleAssignments/${randomUUID()}`), {
      body: { properties: { roleDefinitionId: `Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/${role}`, principalId: principal } },
    });
    expect(res.status).toBe(201);
  }
  return hsm;
}

describe("separation of duties: whoever deletes can't purge", () => {
  it("a Crypto User deletes a key but can neither purge nor recover it; a Crypto Officer purges, and can't create", async () => {
    const hsm = await hsmWithRoles(admin);
    const user = admin.as(await credentialsFor(emu, "user", "user-secret"));
    const officer = admin.as(await credentialsFor(emu, "officer", "officer-secret"));

    expect((await user.createKey(hsm, "payments")).status).toBe(200);
    expect((await user.send("DELETE", user.key(hsm, "/keys/payments"))).status).toBe(200);

    const userPurge = await user.send("DELETE", user.key(hsm, "/deletedkeys/payments"));
    expect(userPurge.status).toBe(403);
    expect(userPurge.body.error.message).toContain("Microsoft.KeyVault/managedHsm/keys/deletedKeys/delete");
    expect(userPurge.body.error.message).toContain("Managed HSM Crypto Officer");
    expect((await user.send("POST", user.key(hsm, "/deletedkeys/payments/recover"))).status).toBe(403);
    expect((await user.send("GET", user.key(hsm, "/deletedkeys/payments"))).status).toBe(200);

    expect((await officer.createKey(hsm, "other")).status).toBe(403);
    expect((await officer.send("DELETE", officer.key(hsm, "/deletedkeys/payments"))).status).toBe(204);
    expect((await officer.send("GET", officer.key(hsm, "/deletedkeys/payments"))).status).toBe(404);
  });

  it("a denied purge changes nothing: the deleted key is still there and still recoverable", async () => {
    const hsm = await hsmWithRoles(admin);
    const user = admin.as(await credentialsFor(emu, "user", "user-secret"));
    const officer = admin.as(await credentialsFor(emu, "officer", "officer-secret"));
    await user.createKey(hsm, "k");
    await user.send("DELETE", user.key(hsm, "/keys/k"));
    expect((await user.send("DELETE", user.key(hsm, "/deletedkeys/k"))).status).toBe(403);
    expect((await officer.send("POST", officer.key(hsm, "/deletedkeys/k/recover"))).status).toBe(200);
    expect((await user.send("GET", user.key(hsm, "/keys/k"))).status).toBe(200);
  });

  it("a Reader can list and show deleted HSMs but can neither recover nor purge them", async () => {
    const hsm = hsmName("rd");
    await admin.putHsm(hsm);
    await admin.deleteHsm(hsm);
    const reader = admin.as(await credentialsFor(emu, "plain", "plain-secret"));
    expect((await reader.listDeleted()).status).toBe(200);
    expect((await reader.getDeleted(hsm)).status).toBe(200);
    const purge = await reader.purge(hsm);
    expect(purge.status).toBe(403);
    expect(purge.body.error.code).toBe("AuthorizationFailed");
    expect((await reader.recover(hsm)).status).toBe(403);
    expect((await admin.getDeleted(hsm)).status).toBe(200);
  });
});

describe("tokens", () => {
  const armUrl = () => `${emu.endpoint}/subscriptions/${admin.sub}/providers/Microsoft.KeyVault/managedHSMs?${ARM_API}`;

  it("issues Azure AD-shaped tokens whose audience follows the scope, with oid, tid, appid, aud and exp", async () => {
    const token = await getToken(emu, "data", "user", "user-secret");
    const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ oid: ids.user, tid: TENANT, appid: "user", aud: "https://managedhsm.localhost" });
    expect(Number(claims.exp)).toBeGreaterThan(Date.now() / 1000);
    const arm = JSON.parse(Buffer.from((await getToken(emu, "control", "user", "user-secret")).split(".")[1]!, "base64url").toString());
    expect(arm.aud).toBe("https://management.azure.com");
  });

  it.each([
    ["an unknown client secret", { client_id: "user", client_secret: "wrong-secret", scope: "https://management.azure.com/.default" }, 401, "invalid_client"],
    ["an unknown client", { client_id: "nobody", client_secret: "x", scope: "https://management.azure.com/.default" }, 400, "unauthorized_client"],
    ["another grant type", { grant_type: "password", client_id: "user", client_secret: "user-secret", scope: "https://management.azure.com/.default" }, 400, "unsupported_grant_type"],
    ["an unknown scope", { client_id: "user", client_secret: "user-secret", scope: "https://graph.microsoft.com/.default" }, 400, "invalid_scope"],
  ])("refuses %s with Azure AD's error", async (_what, form, status, error) => {
    const body = new URLSearchParams({ grant_type: "client_credentials", ...form }).toString();
    const res = await request("POST", `${emu.endpoint}/${TENANT}/oauth2/v2.0/token`, { raw: body, headers: { "content-type": "application/x-www-form-urlencoded" }, ca: emu.ca! });
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(error);
    expect(res.body.error_description).toMatch(/^AADSTS\d+: /);
    expect(res.body.access_token).toBeUndefined();
  });

  it("refuses another tenant", async () => {
    const body = new URLSearchParams({ grant_type: "client_credentials", client_id: "user", client_secret: "user-secret", scope: "https://management.azure.com/.default" }).toString();
    const res = await request("POST", `${emu.endpoint}/${randomUUID()}/oauth2/v2.0/token`, { raw: body, headers: { "content-type": "application/x-www-form-urlencoded" }, ca: emu.ca! });
    expect(res.status).toBe(400);
  });

  it("a request without a token gets 401: ARM's error on the control plane, an empty body and the challenge on the data plane", async () => {
    const control = await request("GET", armUrl(), { ca: emu.ca! });
    expect(control.status).toBe(401);
    expect(control.body.error.code).toBe("AuthenticationFailed");
    const hsm = hsmName("ch");
    await admin.putHsm(hsm, { initialAdminObjectIds: [ids.admin] });
    const data = await request("GET", admin.key(hsm, "/keys"), { ca: emu.ca! });
    expect(data.status).toBe(401);
    expect(data.text).toBe("");
    expect(data.headers["www-authenticate"]).toBe(`Bearer authorization="${emu.endpoint}/${TENANT}", resource="https://managedhsm.localhost"`);
  });

  it("refuses tampered, foreign, wrong-audience and garbage tokens, and leaks nothing", async () => {
    const hsm = hsmName("tk");
    await admin.putHsm(hsm, {}, { tags: { secret: "do-not-leak" } });
    const good = await getToken(emu, "control", "admin", "admin-secret");
    const [h, p, sig] = good.split(".");
    const flipped = `${h}.${p}.${sig!.slice(0, -2)}${sig!.endsWith("A") ? "BB" : "AA"}`;
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, "base64url").toString()), oid: ids.plain })).toString("base64url");
    const other = await startEmulatorProcess({ secure: true, inMemory: true, extraArgs: ["--principals", principals] });
    const foreign = await getToken(other, "control", "admin", "admin-secret");
    await other.stop();
    const dataToken = await getToken(emu, "data", "admin", "admin-secret");
    for (const [what, token, code] of [
      ["a flipped signature", flipped, "InvalidAuthenticationToken"],
      ["a forged payload", `${h}.${forgedPayload}.${sig}`, "InvalidAuthenticationToken"],
      ["another emulator's token", foreign, "InvalidAuthenticationToken"],
      ["a data-plane token on ARM", dataToken, "InvalidAuthenticationTokenAudience"],
      ["garbage", "not.a.jwt", "InvalidAuthenticationToken"],
    ] as const) {
      const res = await request("GET", armUrl(), { ca: emu.ca!, token });
      expect(res.status, what).toBe(401);
      expect(res.body.error.code, what).toBe(code);
      expect(res.text, what).not.toContain("do-not-leak");
    }
    const wrongAudience = await request("GET", admin.key(hsm, "/keys"), { ca: emu.ca!, token: good });
    expect(wrongAudience.status).toBe(401);
    expect(wrongAudience.text).toBe("");
  });

  it("refuses an expired token", async () => {
    const shortLived = await startEmulatorProcess({ secure: true, inMemory: true, extraArgs: ["--principals", principals, "--token-lifetime", "1s"] });
    const token = await getToken(shortLived, "control", "admin", "admin-secret");
    const url = `${shortLived.endpoint}/subscriptions/${randomUUID()}/providers/Microsoft.KeyVault/managedHSMs?${ARM_API}`;
    expect((await request("GET", url, { ca: shortLived.ca!, token })).status).toBe(200);
    // One second of lifetime, plus the five seconds of clock skew the emulator tolerates, as Azure does.
    await new Promise((r) => setTimeout(r, 7000));
    const expired = await request("GET", url, { ca: shortLived.ca!, token });
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe("ExpiredAuthenticationToken");
    await shortLived.stop();
  });

  it("only emulator administrators may use the clock; any principal may read usage", async () => {
    const plain = await credentialsFor(emu, "plain", "plain-secret");
    const refused = await request("POST", `${emu.endpoint}/_emulator/clock`, { ca: emu.ca!, token: plain.control!, body: { advanceSeconds: 1 } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/emulator administrators/);
    expect((await request("GET", `${emu.endpoint}/_emulator/clock`, { ca: emu.ca!, token: plain.control! })).status).toBe(403);
    expect((await request("GET", `${emu.endpoint}/_emulator/usage`, { ca: emu.ca!, token: plain.control! })).status).toBe(200);
    expect((await request("GET", `${emu.endpoint}/_emulator/health`, { ca: emu.ca! })).status).toBe(200);
    expect((await request("POST", `${emu.endpoint}/_emulator/clock`, { ca: emu.ca!, token: admin.credentials.control!, body: { advanceSeconds: 0 } })).status).toBe(200);
  });
});

describe("role assignments and TLS over restarts", () => {
  it("local role assignments survive a restart and a soft-delete, and come back with the HSM on recovery", async () => {
    const dir = tempDir();
    const file = writePrincipals(dir);
    const first = await startEmulatorProcess({ secure: true, location: dir, extraArgs: ["--principals", file] });
    const a1 = new AzureRest(first, randomUUID(), "rg", await credentialsFor(first, "admin", "admin-secret"));
    const hsm = await hsmWithRoles(a1);
    const ca1 = first.ca;
    await first.stop();

    const second = await startEmulatorProcess({ secure: true, location: dir, extraArgs: ["--principals", file] });
    expect(second.ca).toBe(ca1);
    const a2 = new AzureRest(second, a1.sub, "rg", await credentialsFor(second, "admin", "admin-secret"));
    const user = a2.as(await credentialsFor(second, "user", "user-secret"));
    expect((await user.createKey(hsm, "after-restart")).status).toBe(200);
    expect((await a2.deleteHsm(hsm)).status).toBe(200);
    expect((await a2.recover(hsm)).status).toBe(200);
    expect((await user.createKey(hsm, "after-recovery")).status).toBe(200);
    const list = await a2.send("GET", a2.key(hsm, "//providers/Microsoft.Authorization/roleAssignments"));
    expect(list.body.value.map((a: { properties: { principalId: string } }) => a.properties.principalId).sort()).toEqual([ids.admin, ids.admin, ids.officer, ids.user].sort());
    await second.stop();
  });

  it("serves TLS with its own CA for localhost, 127.0.0.1 and every HSM host; refuses clients that don't trust it", async () => {
    const hsm = hsmName("tls");
    await admin.putHsm(hsm, { initialAdminObjectIds: [ids.admin] });
    await expect(request("GET", `${emu.endpoint}/_emulator/health`)).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
    expect((await request("GET", `${emu.endpoint.replace("127.0.0.1", "localhost")}/_emulator/health`, { ca: emu.ca! })).status).toBe(200);
    const data = await request("GET", admin.key(hsm, "//providers/Microsoft.Authorization/roleDefinitions"), { ca: emu.ca!, token: admin.credentials.data! });
    expect(data.status).toBe(200);
    expect(data.body.value.map((r: { properties: { roleName: string } }) => r.properties.roleName)).toContain("Managed HSM Crypto Officer");
  });

  it("takes your own certificate with --cert and --key", async () => {
    const dir = tempDir();
    const own = path.join(dir, "own");
    fs.cpSync(path.join(location, "tls"), own, { recursive: true });
    const ca = fs.readFileSync(path.join(own, "ca.pem"), "utf8");
    const emuOwn = await startEmulatorProcess({ secure: true, inMemory: true, location: dir, ca, extraArgs: ["--cert", path.join(own, "server.pem"), "--key", path.join(own, "server-key.pem")] });
    expect(emuOwn.stdout()).toMatch(/TLS certificate: .*server\.pem \(yours\)/);
    expect((await request("GET", `${emuOwn.endpoint}/_emulator/health`, { ca })).status).toBe(200);
    expect(fs.existsSync(path.join(dir, "tls", "ca.pem"))).toBe(false);
    await emuOwn.stop();
  });

  it.each([
    [{ principals: [{ displayName: "x", clientId: "x", clientSecret: "short", objectId: randomUUID() }] }, /principals\.0\.clientSecret: must be at least 8 characters/],
    [{ principals: [{ displayName: "x", clientId: "x", clientSecret: "long-enough", objectId: "nope" }] }, /principals\.0\.objectId: must be a GUID/],
    [{ principals: [{ displayName: "x", clientId: "x", clientSecret: "long-enough", objectId: randomUUID(), roleAssignments: [{ role: "Janitor", scope: "/" }] }] }, /roleAssignments\.0\.role: must be a built-in control-plane role/],
    [{ principals: [] }, /principals: must list at least one principal/],
  ])("refuses a bad principals file, naming the field: %j", (content, message) => {
    const file = path.join(tempDir(), "bad.json");
    fs.writeFileSync(file, JSON.stringify(content));
    const run = spawnSync(process.execPath, [MHSM_BIN, "emulator", "--port", "0", "--in-memory", "--location", tempDir(), "--principals", file], { encoding: "utf8", timeout: 20_000 });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(message);
  });
});
