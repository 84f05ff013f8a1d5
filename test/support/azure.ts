import { randomUUID } from "node:crypto";
import type { EmulatorProcess } from "./emulator-process";
import { type HttpResponse, request } from "./http";

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
export class AzureRest {
  constructor(
    readonly emu: EmulatorProcess,
    readonly sub: string = subscription(),
    readonly rg: string = "rg-test",
  ) {}

  hsmPath(name: string, rg = this.rg): string {
    return `${this.emu.endpoint}/subscriptions/${this.sub}/resourceGroups/${rg}/providers/Microsoft.KeyVault/managedHSMs/${name}?${ARM_API}`;
  }

  deletedPath(name: string, location = "westeurope", suffix = ""): string {
    return `${this.emu.endpoint}/subscriptions/${this.sub}/providers/Microsoft.KeyVault/locations/${location}/deletedManagedHSMs/${name}${suffix}?${ARM_API}`;
  }

  putHsm(name: string, properties: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<HttpResponse> {
    return request("PUT", this.hsmPath(name), { body: { location: "westeurope", properties: { tenantId: TENANT, ...properties }, ...extra } });
  }

  patchHsm(name: string, body: Record<string, unknown>): Promise<HttpResponse> {
    return request("PATCH", this.hsmPath(name), { body });
  }

  getHsm(name: string): Promise<HttpResponse> {
    return request("GET", this.hsmPath(name));
  }

  deleteHsm(name: string): Promise<HttpResponse> {
    return request("DELETE", this.hsmPath(name));
  }

  listDeleted(): Promise<HttpResponse> {
    return request("GET", `${this.emu.endpoint}/subscriptions/${this.sub}/providers/Microsoft.KeyVault/deletedManagedHSMs?${ARM_API}`);
  }

  getDeleted(name: string, location?: string): Promise<HttpResponse> {
    return request("GET", this.deletedPath(name, location));
  }

  purge(name: string, location?: string): Promise<HttpResponse> {
    return request("POST", this.deletedPath(name, location, "/purge"));
  }

  recover(name: string, rg = this.rg): Promise<HttpResponse> {
    return request("PUT", this.hsmPath(name, rg), { body: { location: "westeurope", properties: { createMode: "recover" } } });
  }

  /** Follows a 202's Location until it answers something other than 202. */
  async poll(response: HttpResponse, maxPolls = 100): Promise<HttpResponse> {
    let current = response;
    for (let i = 0; current.status === 202 && i < maxPolls; i++) {
      const location = current.headers.location;
      if (!location) throw new Error("202 without Location");
      await new Promise((r) => setTimeout(r, 100));
      current = await request("GET", location);
    }
    return current;
  }

  key(hsm: string, path: string): string {
    const sep = path.includes("?") ? "&" : "?";
    return `${this.emu.hsmBase(hsm)}${path}${sep}${DATA_API}`;
  }

  createKey(hsm: string, name: string, body: Record<string, unknown> = { kty: "EC-HSM", crv: "P-256" }): Promise<HttpResponse> {
    return request("POST", this.key(hsm, `/keys/${name}/create`), { body });
  }

  advanceClock(body: { advanceDays?: number; advanceSeconds?: number }): Promise<HttpResponse> {
    return request("POST", `${this.emu.endpoint}/_emulator/clock`, { body });
  }
}
