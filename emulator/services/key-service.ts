import { randomBytes } from "node:crypto";
import { type KeyCreateBody, type KeyOperation, type KeySpec, type KeyUpdateBody, resolveKeySpec } from "../../model/keys";
import { KEY_OPERATIONS, defaultKeyOps } from "../../model/keys";
import { badRequest } from "../domain/errors";
import {
  type KeyState,
  type KeyVersionState,
  addVersion,
  assertPurgeable,
  deleteKey,
  findVersion,
  latest,
  recoverKey,
  requireActive,
  requireDeleted,
  updateVersion,
} from "../domain/keys";
import type { HsmState } from "../domain/managed-hsm";
import type { Store } from "../persistence/store";
import { type KeyMaterial, generateKeyMaterial, importKeyMaterial } from "../crypto/key-material";
import type { HsmService } from "./hsm-service";

/** A key with the HSM whose settings (retention, purge protection) decide its recovery attributes. */
export interface KeyView {
  key: KeyState;
  version: KeyVersionState;
  hsm: HsmState;
}

export interface KeyAttributesRequest {
  key_ops?: KeyOperation[] | undefined;
  attributes?: { enabled?: boolean | undefined; nbf?: number | undefined; exp?: number | undefined; exportable?: boolean | undefined } | undefined;
  tags?: Record<string, string> | undefined;
}

const newVersionId = () => randomBytes(16).toString("hex");

/** Data-plane use cases for one HSM's keys. */
export class KeyService {
  constructor(
    private readonly store: Store,
    private readonly hsms: HsmService,
  ) {}

  private liveHsm(hsmName: string): { hsm: HsmState; now: number } {
    return this.hsms.openDataPlane(hsmName);
  }

  private newVersion(spec: KeySpec, material: KeyMaterial, request: KeyAttributesRequest, now: number): KeyVersionState {
    const seconds = Math.floor(now / 1000);
    const a = request.attributes ?? {};
    return {
      version: newVersionId(),
      kty: spec.kty,
      ...(spec.keySize !== undefined ? { keySize: spec.keySize } : {}),
      ...(spec.curve !== undefined ? { curve: spec.curve } : {}),
      keyOps: request.key_ops ?? defaultKeyOps(spec.kty),
      enabled: a.enabled ?? true,
      ...(a.nbf !== undefined ? { nbf: a.nbf } : {}),
      ...(a.exp !== undefined ? { exp: a.exp } : {}),
      exportable: a.exportable ?? false,
      created: seconds,
      updated: seconds,
      tags: request.tags ?? {},
      publicJwk: material.publicJwk,
      privateJwk: material.privateJwk,
    };
  }

  /** Generates material first (slow, async), then checks and writes in one transaction. */
  private async addVersion(hsmName: string, name: string, spec: KeySpec, material: KeyMaterial, request: KeyAttributesRequest): Promise<KeyView> {
    const { now } = this.liveHsm(hsmName);
    return this.store.transaction(() => {
      // Re-checked inside the transaction: the HSM may have gone while the material was generated.
      const hsm = this.hsms.requireDataPlane(hsmName, now);
      const version = this.newVersion(spec, material, request, now);
      const key = addVersion(this.store.keys.get(hsmName, name), hsm.name, name, version);
      this.store.keys.put(key);
      return { key, version, hsm };
    });
  }

  async create(hsmName: string, name: string, body: KeyCreateBody): Promise<KeyView> {
    this.liveHsm(hsmName);
    const resolved = resolveKeySpec(body.kty, body.key_size, body.crv);
    if ("problem" in resolved) throw badRequest(`${resolved.problem.field} ${resolved.problem.rule}.`, "BadParameter");
    const material = await generateKeyMaterial(resolved.spec);
    return this.addVersion(hsmName, name, resolved.spec, material, body);
  }

  async import(hsmName: string, name: string, jwk: Record<string, unknown>, request: KeyAttributesRequest): Promise<KeyView> {
    this.liveHsm(hsmName);
    const imported = importKeyMaterial(jwk);
    if ("problem" in imported) throw badRequest(`${imported.problem}.`, "BadParameter");
    const ops = Array.isArray(jwk.key_ops) ? (jwk.key_ops as unknown[]).filter((o): o is KeyOperation => KEY_OPERATIONS.includes(o as KeyOperation)) : undefined;
    return this.addVersion(hsmName, name, imported.spec, imported.material, { ...request, ...(ops ? { key_ops: ops } : {}) });
  }

  /** A new version with the same type, size or curve and operations as the current one. */
  async rotate(hsmName: string, name: string): Promise<KeyView> {
    this.liveHsm(hsmName);
    const current = latest(requireActive(this.store.keys.get(hsmName, name), name));
    const spec: KeySpec = { kty: current.kty, ...(current.keySize ? { keySize: current.keySize } : {}), ...(current.curve ? { curve: current.curve } : {}) };
    const material = await generateKeyMaterial(spec);
    return this.addVersion(hsmName, name, spec, material, { key_ops: current.keyOps, tags: current.tags, attributes: { exportable: current.exportable } });
  }

  get(hsmName: string, name: string, version?: string): KeyView {
    const { hsm } = this.liveHsm(hsmName);
    const key = requireActive(this.store.keys.get(hsmName, name), name);
    return { key, version: findVersion(key, version), hsm };
  }

  update(hsmName: string, name: string, version: string | undefined, patch: KeyUpdateBody): KeyView {
    const { hsm, now } = this.liveHsm(hsmName);
    return this.store.transaction(() => {
      const key = updateVersion(requireActive(this.store.keys.get(hsmName, name), name), version, patch, Math.floor(now / 1000));
      this.store.keys.put(key);
      return { key, version: findVersion(key, version), hsm };
    });
  }

  list(hsmName: string, skip: number, top: number): { hsm: HsmState; items: KeyState[]; more: boolean } {
    const { hsm } = this.liveHsm(hsmName);
    const rows = this.store.keys.list(hsm.name, "active", skip, top + 1);
    return { hsm, items: rows.slice(0, top), more: rows.length > top };
  }

  listVersions(hsmName: string, name: string, skip: number, top: number): { hsm: HsmState; key: KeyState; items: KeyVersionState[]; more: boolean } {
    const { hsm } = this.liveHsm(hsmName);
    const key = requireActive(this.store.keys.get(hsmName, name), name);
    return { hsm, key, items: key.versions.slice(skip, skip + top), more: key.versions.length > skip + top };
  }

  delete(hsmName: string, name: string): KeyView {
    const { hsm, now } = this.liveHsm(hsmName);
    return this.store.transaction(() => {
      const key = deleteKey(this.store.keys.get(hsmName, name), name, hsm, now);
      this.store.keys.put(key);
      return { key, version: latest(key), hsm };
    });
  }

  listDeleted(hsmName: string, skip: number, top: number): { hsm: HsmState; items: KeyState[]; more: boolean } {
    const { hsm } = this.liveHsm(hsmName);
    const rows = this.store.keys.list(hsm.name, "deleted", skip, top + 1);
    return { hsm, items: rows.slice(0, top), more: rows.length > top };
  }

  getDeleted(hsmName: string, name: string): KeyView {
    const { hsm } = this.liveHsm(hsmName);
    const key = requireDeleted(this.store.keys.get(hsmName, name), name);
    return { key, version: latest(key), hsm };
  }

  recover(hsmName: string, name: string): KeyView {
    const { hsm } = this.liveHsm(hsmName);
    return this.store.transaction(() => {
      const key = recoverKey(this.store.keys.get(hsmName, name), name);
      this.store.keys.put(key);
      return { key, version: latest(key), hsm };
    });
  }

  purge(hsmName: string, name: string): void {
    const { hsm, now } = this.liveHsm(hsmName);
    this.store.transaction(() => {
      const key = this.store.keys.get(hsmName, name);
      assertPurgeable(key, name, hsm, now);
      this.store.keys.remove(hsmName, name);
    });
  }
}
