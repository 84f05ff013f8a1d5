import { randomUUID } from "node:crypto";
import type { EmulatorProcess } from "./emulator-process";
import { type HttpResponse, type RequestOptions, request } from "./http";

export const ARM_API = "api-version=2024-11-01";
export const DATA_API = "api-version=7.5";
export const TENANT = "11111111-1111-1111-1111-111111111111";

let counter = 0;
/** A valid HSM name unique to this run. */
export function hsmName(prefix = "hsm"): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${randomUUID().slice(0, 6)}`.slice(0, 24).replace(/-$/, "x");
}

export function subscription(): string {
  return randomUUID();
}

/** Helpers that speak the two planes' REST APIs against one emulator. */
export interface Credentials {
  /** Token for the control plane (and /_emulator). */
  control?: string;
  /** Token for the data plane. */
  data?: string;
}

export class AzureRest {
  constructor(
    readonly emu: EmulatorProcess,
    readonly sub: string = subscription(),
    readonly rg: string = "rg-test",
    readonly credentials: Credentials = {},
  ) {}

  /** A request with the emulator's CA and the token for the URL's plane. */
  send(method: string, url: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const data = new URL(url).hostname.endsWith(".managedhsm.localhost");
    const token = data ? this.credentials.data : this.credentials.control;
    return request(method, url, { ...(this.emu.ca ? { ca: this.emu.ca } : {}), ...(token ? { token } : {}), ...options });
  }

  as(credentials: Credentials): AzureRest {
    return new AzureRest(this.emu, this.sub, this.rg, credentials);
  }

  hsmPath(name: string, rg = this.rg): string {
    return `${this.emu.endpoint}/subscriptions/${this.sub}/resourceGroups/${rg}/providers/Microsoft.KeyVault/managedHSMs/${name}?${ARM_API}`;
  }

  deletedPath(name: string, location = "westeurope", suffix = ""): string {
    return `${this.emu.endpoint}/subscriptions/${this.sub}/providers/Microsoft.KeyVault/locations/${location}/deletedManagedHSMs/${name}${suffix}?${ARM_API}`;
  }

  putHsm(name: string, properties: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<HttpResponse> {
    return this.send("PUT", this.hsmPath(name), { body: { location: "westeurope", properties: { tenantId: TENANT, ...properties }, ...extra } });
  }

  patchHsm(name: string, body: Record<string, unknown>): Promise<HttpResponse> {
    return this.send("PATCH", this.hsmPath(name), { body });
  }

  getHsm(name: string): Promise<HttpResponse> {
    return this.send("GET", this.hsmPath(name));
  }

  deleteHsm(name: string): Promise<HttpResponse> {
    return this.send("DELETE", this.hsmPath(name));
  }

  listDeleted(): Promise<HttpResponse> {
    return this.send("GET", `${this.emu.endpoint}/subscriptions/${this.sub}/providers/Microsoft.KeyVault/deletedManagedHSMs?${ARM_API}`);
  }

  getDeleted(name: string, location?: string): Promise<HttpResponse> {
    return this.send("GET", this.deletedPath(name, location));
  }

  purge(name: string, location?: string): Promise<HttpResponse> {
    return this.send("POST", this.deletedPath(name, location, "/purge"));
  }

  recover(name: string, rg = this.rg): Promise<HttpResponse> {
    return this.send("PUT", this.hsmPath(name, rg), { body: { location: "westeurope", properties: { createMode: "recover" } } });
  }

  /** Follows a 202's Location until it answers something other than 202. */
  async poll(response: HttpResponse, maxPolls = 100): Promise<HttpResponse> {
    let current = response;
    for (let i = 0; current.status === 202 && i < maxPolls; i++) {
      const location = current.headers.location;
      if (!location) throw new Error("202 without Location");
      await new Promise((r) => setTimeout(r, 100));
      current = await this.send("GET", location);
    }
    return current;
  }

  key(hsm: string, path: string): string {
    const sep = path.includes("?") ? "&" : "?";
    return `${this.emu.hsmBase(hsm)}${path}${sep}${DATA_API}`;
  }

  createKey(hsm: string, name: string, body: Record<string, unknown> = { kty: "EC-HSM", crv: "P-256" }): Promise<HttpResponse> {
    return this.send("POST", this.key(hsm, `/keys/${name}/create`), { body });
  }

  advanceClock(body: { advanceDays?: number; advanceSeconds?: number }): Promise<HttpResponse> {
    return this.send("POST", `${this.emu.endpoint}/_emulator/clock`, { body });
  }
}

/** A token from the emulator's token endpoint, for the control plane or the data plane. */
export async function getToken(emu: EmulatorProcess, plane: "control" | "data", clientId = "mhsm-dev", clientSecret = "mhsm-dev-secret", tenant = TENANT): Promise<string> {
  const scope = plane === "control" ? "https://management.azure.com/.default" : "https://managedhsm.localhost/.default";
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret, scope }).toString();
  const res = await request("POST", `${emu.endpoint}/${tenant}/oauth2/v2.0/token`, {
    raw: form,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    ...(emu.ca ? { ca: emu.ca } : {}),
  });
  if (res.status !== 200) throw new Error(`token for ${clientId}: ${res.status} ${res.text}`);
  return res.body.access_token as string;
}

export async function credentialsFor(emu: EmulatorProcess, clientId = "mhsm-dev", clientSecret = "mhsm-dev-secret"): Promise<Credentials> {
  return { control: await getToken(emu, "control", clientId, clientSecret), data: await getToken(emu, "data", clientId, clientSecret) };
}
