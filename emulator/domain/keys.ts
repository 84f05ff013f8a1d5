import type { Curve, HsmKeyType, KeyOperation, KeyUpdateBody } from "../../model/keys";
import { conflict, forbidden, notFound } from "./errors";
import { ACTIVE, type Lifecycle, nameClaim, purgeDecision, softDelete } from "./soft-delete";

/**
 * The key aggregate inside one HSM: versions, attributes, and the same soft-delete machine as HSMs. A
 * key's retention and purge protection are its HSM's. Pure: callers load the holder of the name, call one
 * function and persist what it returns.
 */

export interface PublicJwk {
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

export interface KeyVersionState {
  version: string;
  kty: HsmKeyType;
  keySize?: number;
  curve?: Curve;
  keyOps: KeyOperation[];
  enabled: boolean;
  nbf?: number;
  exp?: number;
  exportable: boolean;
  /** Unix seconds, as Key Vault reports them. */
  created: number;
  updated: number;
  tags: Record<string, string>;
  publicJwk: PublicJwk;
  /** The key material as a private JWK. The emulator is not a vault: this is stored in the clear. */
  privateJwk: Record<string, unknown>;
}

export interface KeyState {
  hsmName: string;
  name: string;
  lifecycle: Lifecycle;
  /** Oldest first; the last one is the current version. */
  versions: KeyVersionState[];
}

export interface HsmProtection {
  softDeleteRetentionInDays: number;
  enablePurgeProtection: boolean;
}

function keyNotFound(name: string) {
  return notFound(
    "KeyNotFound",
    `A key with (name/id) ${name} was not found in this HSM. If you recently deleted this key you may be able to recover it using the correct recovery command.`,
  );
}

function deletedKeyNotFound(name: string) {
  return notFound("KeyNotFound", `Deleted Key not found: ${name}`);
}

export function latest(state: KeyState): KeyVersionState {
  const v = state.versions[state.versions.length - 1];
  if (!v) throw new Error(`key ${state.name} has no versions`);
  return v;
}

/** A live key, or KeyNotFound: a soft-deleted key is only reachable through the deleted-keys API. */
export function requireActive(holder: KeyState | undefined, name: string): KeyState {
  if (!holder || holder.lifecycle.state !== "active") throw keyNotFound(name);
  return holder;
}

export function requireDeleted(holder: KeyState | undefined, name: string): KeyState & { lifecycle: Extract<Lifecycle, { state: "deleted" }> } {
  if (!holder || holder.lifecycle.state !== "deleted") throw deletedKeyNotFound(name);
  return holder as KeyState & { lifecycle: Extract<Lifecycle, { state: "deleted" }> };
}

/** Create (or import, or rotate): a new key, or a new current version of a live one. */
export function addVersion(holder: KeyState | undefined, hsmName: string, name: string, version: KeyVersionState): KeyState {
  switch (nameClaim(holder)) {
    case "deleted":
      throw conflict(
        "Conflict",
        `Key ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the key can only be recovered or purged.`,
        "ObjectIsDeletedButRecoverable",
      );
    case "active":
      return { ...holder!, versions: [...holder!.versions, version] };
    case "free":
      return { hsmName, name, lifecycle: ACTIVE, versions: [version] };
  }
}

export function findVersion(state: KeyState, version: string | undefined): KeyVersionState {
  if (!version) return latest(state);
  const found = state.versions.find((v) => v.version.toLowerCase() === version.toLowerCase());
  if (!found) throw keyNotFound(`${state.name}/${version}`);
  return found;
}

/** PATCH of one version's attributes, operations and tags. */
export function updateVersion(state: KeyState, version: string | undefined, patch: KeyUpdateBody, nowSeconds: number): KeyState {
  const target = findVersion(state, version);
  const a = patch.attributes ?? {};
  const updated: KeyVersionState = {
    ...target,
    keyOps: patch.key_ops ?? target.keyOps,
    tags: patch.tags ?? target.tags,
    enabled: a.enabled ?? target.enabled,
    ...(a.nbf !== undefined ? { nbf: a.nbf } : {}),
    ...(a.exp !== undefined ? { exp: a.exp } : {}),
    updated: nowSeconds,
  };
  return { ...state, versions: state.versions.map((v) => (v === target ? updated : v)) };
}

export function deleteKey(holder: KeyState | undefined, name: string, hsm: HsmProtection, now: number): KeyState {
  const live = requireActive(holder, name);
  // The data plane reports dates in whole seconds, so a key's deletion is recorded at one.
  const deletedAt = Math.floor(now / 1000) * 1000;
  return { ...live, lifecycle: softDelete(deletedAt, hsm.softDeleteRetentionInDays) };
}

export function recoverKey(holder: KeyState | undefined, name: string): KeyState {
  const deleted = requireDeleted(holder, name);
  return { ...deleted, lifecycle: ACTIVE };
}

/** Throws unless the deleted key may be purged now. */
export function assertPurgeable(holder: KeyState | undefined, name: string, hsm: HsmProtection, now: number): void {
  const deleted = requireDeleted(holder, name);
  const decision = purgeDecision(deleted.lifecycle, now, hsm.enablePurgeProtection);
  if (!decision.allowed && decision.reason === "purge-protection") {
    throw forbidden(
      `Operation 'purge' is not allowed on key ${name} because purge protection is enabled for this HSM. ` +
        `The key will be purged automatically after its retention period, on ${new Date(decision.until).toISOString()}.`,
    );
  }
}
