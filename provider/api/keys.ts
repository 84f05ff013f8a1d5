import { z } from "zod";
import { DEFAULT_DATA_PLANE_API_VERSION } from "../../model/api-versions";
import { DeletedKeyBundle, DeletedKeyItem, KeyBundle, type KeyCreateBody, KeyItem, type KeyUpdateBody } from "../../model/keys";
import type { AzureClient } from "../http/client";
import { isNotFound } from "../http/errors";
import { parse } from "./managed-hsms";

const V = DEFAULT_DATA_PLANE_API_VERSION;
const page = <T extends z.ZodTypeAny>(item: T) => z.object({ value: z.array(item), nextLink: z.string().nullish() });

/** One HSM's keys on its data plane, typed with the shared wire model. */
export class KeysApi {
  private readonly base: string;

  constructor(
    private readonly client: AzureClient,
    hsmUri: string,
  ) {
    this.base = hsmUri.replace(/\/+$/, "");
  }

  private url(path: string): string {
    return `${this.base}${path}${path.includes("?") ? "&" : "?"}api-version=${V}`;
  }

  private async orUndefined<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async create(name: string, body: KeyCreateBody): Promise<KeyBundle> {
    return parse(KeyBundle, (await this.client.send("data", "POST", this.url(`/keys/${name}/create`), body)).data, "key");
  }

  get(name: string, version = ""): Promise<KeyBundle | undefined> {
    return this.orUndefined(async () => parse(KeyBundle, (await this.client.send("data", "GET", this.url(`/keys/${name}/${version}`))).data, "key"));
  }

  async update(name: string, body: KeyUpdateBody, version = ""): Promise<KeyBundle> {
    return parse(KeyBundle, (await this.client.send("data", "PATCH", this.url(`/keys/${name}/${version}`), body)).data, "key");
  }

  /** Soft-deletes; undefined when there was no such key. */
  delete(name: string): Promise<DeletedKeyBundle | undefined> {
    return this.orUndefined(async () => parse(DeletedKeyBundle, (await this.client.send("data", "DELETE", this.url(`/keys/${name}`))).data, "deleted key"));
  }

  getDeleted(name: string): Promise<DeletedKeyBundle | undefined> {
    return this.orUndefined(async () => parse(DeletedKeyBundle, (await this.client.send("data", "GET", this.url(`/deletedkeys/${name}`))).data, "deleted key"));
  }

  async recover(name: string): Promise<KeyBundle> {
    return parse(KeyBundle, (await this.client.send("data", "POST", this.url(`/deletedkeys/${name}/recover`))).data, "key");
  }

  async purge(name: string): Promise<void> {
    await this.client.send("data", "DELETE", this.url(`/deletedkeys/${name}`));
  }

  private async all<T extends z.ZodTypeAny>(path: string, item: T): Promise<z.infer<T>[]> {
    const items: z.infer<T>[] = [];
    let url: string | null | undefined = this.url(path);
    while (url) {
      const p: { value: z.infer<T>[]; nextLink?: string | null | undefined } = parse(page(item), (await this.client.send("data", "GET", url)).data, "list");
      items.push(...p.value);
      url = p.nextLink;
    }
    return items;
  }

  list(): Promise<KeyItem[]> {
    return this.all("/keys", KeyItem);
  }

  listDeleted(): Promise<DeletedKeyItem[]> {
    return this.all("/deletedkeys", DeletedKeyItem);
  }
}
