import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ProviderConfig } from "../../provider/config";
import { AzureClient, retryAfterMs } from "../../provider/http/client";
import { AzureApiError, AzureTransportError } from "../../provider/http/errors";

/** Contract tests of the HTTP client: what it does with Azure's answers, recorded with nock. No emulator here. */

const ENDPOINT = "https://arm.example.test";
const TENANT = "11111111-1111-1111-1111-111111111111";
const config: ProviderConfig = { endpoint: ENDPOINT, authorityHost: "https://login.example.test", subscriptionId: "00000000-0000-0000-0000-000000000001", tenantId: TENANT, clientId: "app", clientSecret: "secret" };
const PATH = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.KeyVault/managedHSMs/h1";
const URL_ = `${ENDPOINT}${PATH}?api-version=2024-11-01`;

let sleeps: number[];
let tokenCalls: number;
const client = (extra: Partial<ConstructorParameters<typeof AzureClient>[1]> = {}) =>
  new AzureClient(config, { sleep: async (ms) => void sleeps.push(ms), maxRetries: 3, baseDelayMs: 100, ...extra });

function tokens(times = 1, lifetime = 3600) {
  return nock("https://login.example.test")
    .post(`/${TENANT}/oauth2/v2.0/token`, (body) => body.grant_type === "client_credentials" && body.client_id === "app" && body.client_secret === "secret")
    .times(times)
    .reply(() => {
      tokenCalls++;
      return [200, { token_type: "Bearer", expires_in: lifetime, access_token: `token-${tokenCalls}` }];
    });
}

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
beforeEach(() => {
  sleeps = [];
  tokenCalls = 0;
});
afterEach(() => {
  nock.cleanAll();
});

describe("retries", () => {
  it("retries a 429 after the Retry-After it was given, then succeeds", async () => {
    tokens();
    const api = nock(ENDPOINT).get(PATH).query(true).reply(429, { error: { code: "TooManyRequests", message: "slow down" } }, { "Retry-After": "7" }).get(PATH).query(true).reply(200, { ok: true });
    const res = await client().send("control", "GET", URL_);
    expect(res.data).toEqual({ ok: true });
    expect(sleeps).toEqual([7000]);
    expect(api.isDone()).toBe(true);
  });

  it("retries 5xx with exponential backoff and gives up after the bound, with Azure's error", async () => {
    tokens();
    nock(ENDPOINT).get(PATH).query(true).times(4).reply(503, { error: { code: "ServiceUnavailable", message: "busy" } });
    const err = await client().send("control", "GET", URL_).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AzureApiError);
    expect(err).toMatchObject({ status: 503, code: "ServiceUnavailable", azureMessage: "busy" });
    expect(sleeps).toHaveLength(3);
    expect(sleeps[0]!).toBeGreaterThanOrEqual(50);
    expect(sleeps[0]!).toBeLessThanOrEqual(100);
    expect(sleeps[2]!).toBeGreaterThanOrEqual(200);
    expect(sleeps[2]!).toBeLessThanOrEqual(400);
  });

  it("caps a long Retry-After at the maximum delay", async () => {
    tokens();
    nock(ENDPOINT).get(PATH).query(true).reply(429, {}, { "Retry-After": "3600" }).get(PATH).query(true).reply(200, {});
    await client({ maxDelayMs: 5000 }).send("control", "GET", URL_);
    expect(sleeps).toEqual([5000]);
  });

  it("does not retry a 4xx other than 408 and 429", async () => {
    tokens();
    nock(ENDPOINT).put(PATH).query(true).reply(409, { error: { code: "ConflictError", message: "name in use" } });
    await expect(client().send("control", "PUT", URL_, {})).rejects.toMatchObject({ status: 409, code: "ConflictError" });
    expect(sleeps).toEqual([]);
  });

  it("retries connection failures, then reports the endpoint it couldn't reach", async () => {
    tokens();
    nock(ENDPOINT).get(PATH).query(true).times(4).replyWithError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    const err = await client().send("control", "GET", URL_).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AzureTransportError);
    expect((err as Error).message).toContain(`Can't reach ${ENDPOINT}`);
    expect(sleeps).toHaveLength(3);
  });

  it("parses Retry-After as seconds or an HTTP date", () => {
    expect(retryAfterMs("2")).toBe(2000);
    expect(retryAfterMs(new Date(Date.now() + 10_000).toUTCString())).toBeGreaterThan(8000);
    expect(retryAfterMs("soon")).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});

describe("errors", () => {
  it("maps ARM's error body to code and message", async () => {
    tokens();
    nock(ENDPOINT).patch(PATH).query(true).reply(400, { error: { code: "BadRequest", message: "purge protection can't be disabled" } });
    const err = (await client().send("control", "PATCH", URL_, {}).catch((e: unknown) => e)) as AzureApiError;
    expect(err.message).toBe(`BadRequest: purge protection can't be disabled (HTTP 400 from PATCH ${PATH})`);
  });

  it("keeps Key Vault's inner error code", async () => {
    tokens();
    nock("https://h1.managedhsm.example.test").post("/keys/k/create").query(true).reply(409, { error: { code: "Conflict", message: "deleted but recoverable", innererror: { code: "ObjectIsDeletedButRecoverable" } } });
    await expect(client().send("data", "POST", "https://h1.managedhsm.example.test/keys/k/create?api-version=7.5", { kty: "EC-HSM" })).rejects.toMatchObject({
      status: 409,
      code: "Conflict",
      innerCode: "ObjectIsDeletedButRecoverable",
    });
  });

  it("names a body that isn't Azure's", async () => {
    tokens();
    nock(ENDPOINT).get(PATH).query(true).reply(418, "teapot");
    await expect(client().send("control", "GET", URL_)).rejects.toMatchObject({ status: 418, code: "Http418", azureMessage: "teapot" });
  });

  it("reports a token refusal with Azure AD's error", async () => {
    nock("https://login.example.test").post(`/${TENANT}/oauth2/v2.0/token`).reply(401, { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided." });
    await expect(client().send("control", "GET", URL_)).rejects.toMatchObject({ status: 401, code: "invalid_client", azureMessage: "AADSTS7000215: Invalid client secret provided." });
  });
});

describe("long-running operations", () => {
  it("polls Location, honouring Retry-After, until the operation ends, then reads the resource", async () => {
    tokens();
    const op = `${ENDPOINT}/subscriptions/x/providers/Microsoft.KeyVault/locations/westeurope/managedHsmOperationResults/op1?api-version=2024-11-01`;
    nock(ENDPOINT)
      .put(PATH)
      .query(true)
      .reply(202, { properties: { provisioningState: "Provisioning" } }, { Location: op, "Retry-After": "3" })
      .get("/subscriptions/x/providers/Microsoft.KeyVault/locations/westeurope/managedHsmOperationResults/op1")
      .query(true)
      .reply(202, {}, { Location: op, "Retry-After": "2" })
      .get("/subscriptions/x/providers/Microsoft.KeyVault/locations/westeurope/managedHsmOperationResults/op1")
      .query(true)
      .reply(200, { properties: { provisioningState: "Succeeded" } })
      .get(PATH)
      .query(true)
      .reply(200, { name: "h1", properties: { provisioningState: "Succeeded" } });
    const res = await client().lro("control", "PUT", URL_, { location: "westeurope" });
    expect(res.data).toEqual({ name: "h1", properties: { provisioningState: "Succeeded" } });
    expect(sleeps).toEqual([3000, 2000]);
  });

  it("polls at the default interval when no Retry-After is given", async () => {
    tokens();
    nock(ENDPOINT).delete(PATH).query(true).reply(202, undefined, { Location: `${ENDPOINT}/op?x=1` }).get("/op").query(true).reply(200);
    await client({ pollIntervalMs: 750 }).lro("control", "DELETE", URL_);
    expect(sleeps).toEqual([750]);
  });

  it("fails with the operation's error when it ends as Failed", async () => {
    tokens();
    nock(ENDPOINT)
      .put(PATH)
      .query(true)
      .reply(202, {}, { "Azure-AsyncOperation": `${ENDPOINT}/status/1` })
      .get("/status/1")
      .reply(200, { status: "InProgress" })
      .get("/status/1")
      .reply(200, { status: "Failed", error: { code: "HsmProvisioningFailed", message: "no capacity in westeurope" } });
    await expect(client().lro("control", "PUT", URL_, {})).rejects.toMatchObject({ code: "HsmProvisioningFailed", azureMessage: "no capacity in westeurope" });
  });

  it("gives up after the time limit", async () => {
    tokens();
    nock(ENDPOINT).post(PATH).query(true).reply(202, undefined, { Location: `${ENDPOINT}/op` }).get("/op").times(100).reply(202, undefined, { Location: `${ENDPOINT}/op` });
    let fakeNow = 0;
    const realNow = Date.now;
    Date.now = () => realNow() + fakeNow;
    try {
      const c = new AzureClient(config, { sleep: async (ms) => void (fakeNow += ms), lroTimeoutMs: 5000, pollIntervalMs: 1000 });
      await expect(c.lro("control", "POST", URL_)).rejects.toThrow(/did not finish within 5 s/);
    } finally {
      Date.now = realNow;
    }
  });

  it("returns at once when the service answers 200", async () => {
    tokens();
    nock(ENDPOINT).put(PATH).query(true).reply(200, { name: "h1" });
    expect((await client().lro("control", "PUT", URL_, {})).data).toEqual({ name: "h1" });
    expect(sleeps).toEqual([]);
  });
});

describe("tokens", () => {
  it("caches a token per plane and sends it as a bearer", async () => {
    tokens(2);
    const api = nock(ENDPOINT).matchHeader("authorization", "Bearer token-1").get(PATH).query(true).times(3).reply(200, {});
    const data = nock("https://h1.managedhsm.example.test").matchHeader("authorization", "Bearer token-2").get("/keys").query(true).reply(200, { value: [] });
    const c = client();
    await c.send("control", "GET", URL_);
    await c.send("control", "GET", URL_);
    await c.send("control", "GET", URL_);
    await c.send("data", "GET", "https://h1.managedhsm.example.test/keys?api-version=7.5");
    expect(tokenCalls).toBe(2);
    expect(api.isDone() && data.isDone()).toBe(true);
  });

  it("refreshes a token shortly before it expires", async () => {
    tokens(2, 600);
    nock(ENDPOINT).get(PATH).query(true).times(2).reply(200, {});
    let now = 1_000_000;
    const c = new AzureClient(config, { sleep: async () => {} });
    (c.tokens as unknown as { options: { now: () => number } }).options.now = () => now;
    await c.send("control", "GET", URL_);
    now += 200_000; // within the lifetime less the margin (half of 600 s for a short-lived token)
    await c.send("control", "GET", URL_);
    expect(tokenCalls).toBe(1);
    now += 150_000;
    nock(ENDPOINT).get(PATH).query(true).reply(200, {});
    await c.send("control", "GET", URL_);
    expect(tokenCalls).toBe(2);
  });

  it("gets a new token once when the service refuses the cached one, and does not loop", async () => {
    tokens(3);
    nock(ENDPOINT)
      .get(PATH)
      .query(true)
      .matchHeader("authorization", "Bearer token-1")
      .reply(401, { error: { code: "ExpiredAuthenticationToken", message: "expired" } })
      .get(PATH)
      .query(true)
      .matchHeader("authorization", "Bearer token-2")
      .reply(200, { ok: true });
    const c = client();
    expect((await c.send("control", "GET", URL_)).data).toEqual({ ok: true });
    nock(ENDPOINT).get(PATH).query(true).times(2).reply(401, { error: { code: "InvalidAuthenticationToken", message: "no" } });
    await expect(c.send("control", "GET", URL_)).rejects.toMatchObject({ status: 401, code: "InvalidAuthenticationToken" });
  });
});
