import type { DeletedKeyBundle, DeletedKeyItem, KeyAttributes, KeyBundle, KeyItem } from "../../../model/keys";
import { recoveryLevel } from "../../../model/rules";
import { type KeyState, type KeyVersionState, latest } from "../../domain/keys";
import type { HsmState } from "../../domain/managed-hsm";
import type { EmulatorUrls } from "../urls";

const seconds = (ms: number) => Math.floor(ms / 1000);

function attributes(version: KeyVersionState, hsm: HsmState): KeyAttributes {
  return {
    enabled: version.enabled,
    ...(version.nbf !== undefined ? { nbf: version.nbf } : {}),
    ...(version.exp !== undefined ? { exp: version.exp } : {}),
    created: version.created,
    updated: version.updated,
    recoveryLevel: recoveryLevel(hsm.softDeleteRetentionInDays, hsm.enablePurgeProtection),
    recoverableDays: hsm.softDeleteRetentionInDays,
    exportable: version.exportable,
    hsmPlatform: "2",
  };
}

function kidOf(urls: EmulatorUrls, hsm: HsmState, key: KeyState, version?: KeyVersionState): string {
  const base = `${urls.hsmBase(hsm.name)}/keys/${key.name}`;
  return version ? `${base}/${version.version}` : base;
}

export function presentKeyBundle(urls: EmulatorUrls, hsm: HsmState, key: KeyState, version: KeyVersionState): KeyBundle {
  return {
    key: { kid: kidOf(urls, hsm, key, version), kty: version.kty, key_ops: version.keyOps, ...version.publicJwk },
    attributes: attributes(version, hsm),
    tags: version.tags,
  };
}

function deletion(urls: EmulatorUrls, hsm: HsmState, key: KeyState) {
  if (key.lifecycle.state !== "deleted") throw new Error(`key ${key.name} is not deleted`);
  return {
    recoveryId: `${urls.hsmBase(hsm.name)}/deletedkeys/${key.name}`,
    deletedDate: seconds(key.lifecycle.deletedAt),
    scheduledPurgeDate: seconds(key.lifecycle.scheduledPurgeAt),
  };
}

export function presentDeletedKeyBundle(urls: EmulatorUrls, hsm: HsmState, key: KeyState): DeletedKeyBundle {
  return { ...presentKeyBundle(urls, hsm, key, latest(key)), ...deletion(urls, hsm, key) };
}

/** A list entry names the key (no version) with its current version's attributes. */
export function presentKeyItem(urls: EmulatorUrls, hsm: HsmState, key: KeyState): KeyItem {
  const current = latest(key);
  return { kid: kidOf(urls, hsm, key), attributes: attributes(current, hsm), tags: current.tags };
}

export function presentVersionItem(urls: EmulatorUrls, hsm: HsmState, key: KeyState, version: KeyVersionState): KeyItem {
  return { kid: kidOf(urls, hsm, key, version), attributes: attributes(version, hsm), tags: version.tags };
}

export function presentDeletedKeyItem(urls: EmulatorUrls, hsm: HsmState, key: KeyState): DeletedKeyItem {
  return { ...presentKeyItem(urls, hsm, key), ...deletion(urls, hsm, key) };
}
