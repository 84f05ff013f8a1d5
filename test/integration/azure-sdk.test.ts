import { randomUUID } from "node:crypto";
import https from "node:https";
import { KeyVaultManagementClient } from "@azure/arm-keyvault";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { KeyClient } from "@azure/keyvault-keys";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loopbackLookup } from "../../provider/http/loopback";
import { type EmulatorProcess, startEmulatorProcess, stopAllEmulators } from "../support/emulator-process";
import { AzureRest, TENANT, credentialsFor, hsmName } from "../support/azure";
import { request } from "../support/http";

/**
 * Azure's own SDK clients, unchanged, against the emulator. The only additions are what any client of a
 * private endpoint needs: trust in the emulator's CA and `*.localhost` resolved to loopback (one pipeline
 * policy that sets the request's agent), a credential that asks the emulator's token endpoint, and the
 * endpoint itself.
 */

let emu: EmulatorProcess;

/** A TokenCredential that uses the emulator's client-credentials endpoint, as ClientSecretCredential would. */
function emulatorCredential(clientId = "mhsm-dev", clientSecret = "mhsm-dev-secret"): TokenCredential & { scopes: string[] } {
  const scopes: string[] = [];
  return {
    scopes,
    async getToken(requested: string | string[]): Promise<AccessToken> {
      const scope = Array.isArray(requested) ? requested[0]! : requested;
      scopes.push(scope);
      const res = await request("POST", `${emu.endpoint}/${TENANT}/oauth2/v2.0/token`, {
        raw: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret, scope }).toString(),
        headers: { "content-type": "application/x-www-form-urlencoded" },
        ca: emu.ca!,
      });
      if (res.status !== 200) throw new Error(`token: ${res.status} ${res.text}`);
      return { token: res.body.access_token, expiresOnTimestamp: Date.now() + res.body.expires_in * 1000 };
    },
  };
}

function trustEmulator(): PipelinePolicy {
  const agent = new https.Agent({ ca: emu.ca!, lookup: loopbackLookup, keepAlive: true });
  return {
    name: "trustEmulator",
    sendRequest: (req, next) => {
      req.agent = agent;
      return next(req);
    },
  };
}

beforeAll(async () => {
  emu = await startEmulatorProcess({ secure: true, inMemory: true, provisioningDelay: "300ms" });
});
afterAll(stopAllEmulators);

describe("@azure/arm-keyvault", () => {
  it("creates, gets, deletes, lists deleted, gets deleted and purges an HSM, with its long-running-operation pollers", async () => {
    const sub = randomUUID();
    const credential = emulatorCredential();
    const client = new KeyVaultManagementClient(credential, sub, {
      endpoint: emu.endpoint,
      credentials: { scopes: ["https://management.azure.com/.default"] },
      additionalPolicies: [{ policy: trustEmulator(), position: "perCall" }],
    });
    const name = hsmName("sdk");
    const created = await client.managedHsms.createOrUpdate("rg-sdk", name, {
      location: "westeurope",
      sku: { family: "B", name: "Standard_B1" },
      properties: { tenantId: TENANT, initialAdminObjectIds: ["33333333-3333-3333-3333-333333333333"], softDeleteRetentionInDays: 7 },
    });
    expect(created.properties?.provisioningState).toBe("Succeeded");
    expect(created.properties?.hsmUri).toBe(`${emu.hsmBase(name)}/`);
    const got = await client.managedHsms.get("rg-sdk", name);
    expect(got.properties?.softDeleteRetentionInDays).toBe(7);
    expect(got.properties?.enablePurgeProtection).toBe(false);

    await client.managedHsms.delete("rg-sdk", name);
    const deleted = [];
    for await (const d of client.managedHsms.listDeleted()) deleted.push(d);
    expect(deleted.map((d) => d.name)).toContain(name);
    const shown = await client.managedHsms.getDeleted(name, "westeurope");
    expect(shown.properties?.purgeProtectionEnabled).toBe(false);
    expect(shown.properties?.scheduledPurgeDate).toBeInstanceOf(Date);

    await client.managedHsms.purgeDeleted(name, "westeurope");
    await expect(client.managedHsms.getDeleted(name, "westeurope")).rejects.toMatchObject({ statusCode: 404 });
    expect(credential.scopes.every((s) => s === "https://management.azure.com/.default")).toBe(true);
  });

  it("surfaces the emulator's refusals as RestErrors with Azure's codes", async () => {
    const client = new KeyVaultManagementClient(emulatorCredential(), randomUUID(), {
      endpoint: emu.endpoint,
      credentials: { scopes: ["https://management.azure.com/.default"] },
      additionalPolicies: [{ policy: trustEmulator(), position: "perCall" }],
    });
    const name = hsmName("sdkerr");
    await client.managedHsms.createOrUpdate("rg", name, { location: "westeurope", properties: { tenantId: TENANT, enablePurgeProtection: true } });
    await expect(
      client.managedHsms.update("rg", name, { location: "westeurope", properties: { enablePurgeProtection: false } }),
    ).rejects.toMatchObject({ statusCode: 400, code: "BadRequest" });
    await client.managedHsms.delete("rg", name);
    await expect(client.managedHsms.purgeDeleted(name, "westeurope")).rejects.toMatchObject({ statusCode: 403, code: "Forbidden" });
  });
});

describe("@azure/keyvault-keys", () => {
  it("creates, deletes (with its poller), lists deleted, gets deleted, recovers and purges a key after the challenge", async () => {
    const name = hsmName("sdkkeys");
    const rest = new AzureRest(emu, randomUUID(), "rg", await credentialsFor(emu));
    expect((await rest.putHsm(name, { initialAdminObjectIds: ["33333333-3333-3333-3333-333333333333"] })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 400));
    for (const role of ["21dbd100-6940-42c2-9190-5d6cb909625b", "515eb02d-2335-4d2d-92f2-b1cbdf9c3778"]) {
      const res = await rest.send("PUT", rest.key(name, `//providers/Microsoft.Authorization/roleAssignments/${randomUUID()}`), {
        body: { properties: { roleDefinitionId: `Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/${role}`, principalId: "33333333-3333-3333-3333-333333333333" } },
      });
      expect(res.status).toBe(201);
    }

    const credential = emulatorCredential();
    const client = new KeyClient(`${emu.hsmBase(name)}/`, credential, { additionalPolicies: [{ policy: trustEmulator(), position: "perCall" }] });
    const key = await client.createEcKey("signing", { curve: "P-256", hsm: true });
    expect(key.keyType).toBe("EC-HSM");
    expect(key.properties.recoveryLevel).toBe("Recoverable+Purgeable");
    expect((await client.getKey("signing")).id).toBe(key.id);

    const deletePoller = await client.beginDeleteKey("signing", { intervalInMs: 50 });
    const deleted = await deletePoller.pollUntilDone();
    expect(deleted.properties.recoveryId).toBe(`${emu.hsmBase(name)}/deletedkeys/signing`);
    const listed = [];
    for await (const d of client.listDeletedKeys()) listed.push(d.name);
    expect(listed).toEqual(["signing"]);
    expect((await client.getDeletedKey("signing")).properties.scheduledPurgeDate).toBeInstanceOf(Date);

    const recoverPoller = await client.beginRecoverDeletedKey("signing", { intervalInMs: 50 });
    expect((await recoverPoller.pollUntilDone()).name).toBe("signing");
    await (await client.beginDeleteKey("signing", { intervalInMs: 50 })).pollUntilDone();
    await client.purgeDeletedKey("signing");
    await expect(client.getDeletedKey("signing")).rejects.toMatchObject({ statusCode: 404, code: "KeyNotFound" });
    // The challenge named the emulator's resource, and the client asked for a token for it.
    expect(credential.scopes).toContain("https://managedhsm.localhost/.default");
  });
});
