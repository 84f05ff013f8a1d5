import type { z } from "zod";
import { DEFAULT_CONTROL_PLANE_API_VERSION } from "../../model/api-versions";
import {
  CheckNameResult,
  DeletedManagedHsmResource,
  type ManagedHsmPatchBody,
  type ManagedHsmPutBody,
  ManagedHsmResource,
  listResult,
} from "../../model/managed-hsm";
import type { AzureClient } from "../http/client";
import { isNotFound } from "../http/errors";

const V = DEFAULT_CONTROL_PLANE_API_VERSION;

/** Parses a response body with the shared wire schema; a mismatch names the field. */
function parse<S extends z.ZodTypeAny>(schema: S, data: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(data);
  if (!r.success) throw new Error(`Unexpected ${what} from the service: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return r.data;
}

export interface HsmRef {
  subscriptionId: string;
  resourceGroupName: string;
  name: string;
}

/** The control plane's Microsoft.KeyVault/managedHSMs operations, typed with the shared wire model. */
export class ManagedHsmApi {
  constructor(private readonly client: AzureClient) {}

  private url(ref: HsmRef): string {
    return this.client.controlUrl(`/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroupName}/providers/Microsoft.KeyVault/managedHSMs/${ref.name}`, V);
  }

  private deletedUrl(subscriptionId: string, location: string, name: string, suffix = ""): string {
    return this.client.controlUrl(`/subscriptions/${subscriptionId}/providers/Microsoft.KeyVault/locations/${location}/deletedManagedHSMs/${name}${suffix}`, V);
  }

  async get(ref: HsmRef): Promise<ManagedHsmResource | undefined> {
    try {
      const res = await this.client.send("control", "GET", this.url(ref));
      return res.status === 204 ? undefined : parse(ManagedHsmResource, res.data, "managed HSM");
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** With `wait: false`, returns as soon as the service has accepted the operation. */
  async put(ref: HsmRef, body: ManagedHsmPutBody, wait = true): Promise<ManagedHsmResource> {
    const res = wait ? await this.client.lro("control", "PUT", this.url(ref), body) : await this.client.send("control", "PUT", this.url(ref), body);
    return parse(ManagedHsmResource, res.data, "managed HSM");
  }

  async patch(ref: HsmRef, body: ManagedHsmPatchBody, wait = true): Promise<ManagedHsmResource> {
    const res = wait ? await this.client.lro("control", "PATCH", this.url(ref), body) : await this.client.send("control", "PATCH", this.url(ref), body);
    return parse(ManagedHsmResource, res.data, "managed HSM");
  }

  /** Soft-deletes; false when there was nothing to delete. */
  async delete(ref: HsmRef, wait = true): Promise<boolean> {
    try {
      const res = wait ? await this.client.lro("control", "DELETE", this.url(ref)) : await this.client.send("control", "DELETE", this.url(ref));
      return res.status !== 204;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async getDeleted(subscriptionId: string, location: string, name: string): Promise<DeletedManagedHsmResource | undefined> {
    try {
      return parse(DeletedManagedHsmResource, (await this.client.send("control", "GET", this.deletedUrl(subscriptionId, location, name))).data, "deleted managed HSM");
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async listDeleted(subscriptionId: string): Promise<DeletedManagedHsmResource[]> {
    const items: DeletedManagedHsmResource[] = [];
    let url: string | undefined = this.client.controlUrl(`/subscriptions/${subscriptionId}/providers/Microsoft.KeyVault/deletedManagedHSMs`, V);
    while (url) {
      const page: { value: DeletedManagedHsmResource[]; nextLink?: string | undefined } = parse(listResult(DeletedManagedHsmResource), (await this.client.send("control", "GET", url)).data, "list of deleted managed HSMs");
      items.push(...page.value);
      url = page.nextLink;
    }
    return items;
  }

  async list(subscriptionId: string, resourceGroupName?: string): Promise<ManagedHsmResource[]> {
    const items: ManagedHsmResource[] = [];
    const scope = resourceGroupName ? `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}` : `/subscriptions/${subscriptionId}`;
    let url: string | undefined = this.client.controlUrl(`${scope}/providers/Microsoft.KeyVault/managedHSMs`, V);
    while (url) {
      const page: { value: ManagedHsmResource[]; nextLink?: string | undefined } = parse(listResult(ManagedHsmResource), (await this.client.send("control", "GET", url)).data, "list of managed HSMs");
      items.push(...page.value);
      url = page.nextLink;
    }
    return items;
  }

  async purge(subscriptionId: string, location: string, name: string, wait = true): Promise<void> {
    const url = this.deletedUrl(subscriptionId, location, name, "/purge");
    await (wait ? this.client.lro("control", "POST", url) : this.client.send("control", "POST", url));
  }

  /** Recovers a soft-deleted HSM in place (PUT with createMode recover). */
  async recover(ref: HsmRef, location: string, wait = true): Promise<ManagedHsmResource> {
    return this.put(ref, { location, properties: { createMode: "recover" } }, wait);
  }

  async checkName(subscriptionId: string, name: string): Promise<CheckNameResult> {
    const res = await this.client.send("control", "POST", this.client.controlUrl(`/subscriptions/${subscriptionId}/providers/Microsoft.KeyVault/checkMhsmNameAvailability`, V), { name });
    return parse(CheckNameResult, res.data, "name availability");
  }
}

export { parse };
