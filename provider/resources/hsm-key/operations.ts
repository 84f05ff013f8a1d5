import type { CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult } from "@pulumi/pulumi/dynamic";
import { type KeyBundle, type KeyUpdateBody, isPurgeable } from "../../../model/keys";
import type { KeysApi } from "../../api/keys";
import type { ProviderContext } from "../../context";
import { AzureApiError, isNotFound } from "../../http/errors";
import { checkFailures, isUnknown, parseInputs, userInputs } from "../common";
import { HsmKeyFields, type HsmKeyInputs, type HsmKeyOutputs, refineKeyArgs } from "./args";
import { type KeyFacts, diff as planDiff, failures, intent, normalize, withFreshName } from "./plan";

const seconds = (isoDate: string | undefined) => (isoDate === undefined ? undefined : Math.floor(Date.parse(isoDate) / 1000));
const bits = (b64url: string | undefined) => (b64url ? Buffer.from(b64url, "base64url").length * 8 : undefined);

function attributesOf(p: HsmKeyInputs): KeyUpdateBody {
  const nbf = seconds(p.notBefore);
  const exp = seconds(p.expires);
  return { key_ops: p.keyOps, tags: p.tags, attributes: { enabled: p.enabled, ...(nbf !== undefined ? { nbf } : {}), ...(exp !== undefined ? { exp } : {}) } };
}

function outputs(p: HsmKeyInputs, bundle: KeyBundle): HsmKeyOutputs {
  const k = bundle.key;
  return {
    ...p,
    kid: k.kid,
    version: k.kid.split("/").pop() ?? "",
    recoveryLevel: bundle.attributes.recoveryLevel,
    recoverableDays: bundle.attributes.recoverableDays,
    ...(k.n !== undefined ? { n: k.n } : {}),
    ...(k.e !== undefined ? { e: k.e } : {}),
    ...(k.x !== undefined ? { x: k.x } : {}),
    ...(k.y !== undefined ? { y: k.y } : {}),
  };
}

async function keyFacts(api: KeysApi, olds: HsmKeyInputs | undefined, news: HsmKeyInputs, replacingSameName: boolean, creating: boolean): Promise<KeyFacts> {
  const facts: KeyFacts = {};
  if (olds && (replacingSameName || news.purgeOnDelete)) {
    const current = await api.get(olds.name);
    if (current) facts.current = { recoveryLevel: current.attributes.recoveryLevel, recoverableDays: current.attributes.recoverableDays };
  }
  if (creating && !news.autonamed && !isUnknown(news.name) && !isUnknown(news.hsmUri)) {
    const deleted = await api.getDeleted(news.name);
    if (deleted) {
      const size = deleted.key.kty.startsWith("RSA") ? bits(deleted.key.n) : undefined;
      facts.deleted = { scheduledPurgeDate: deleted.scheduledPurgeDate, kty: deleted.key.kty, ...(size !== undefined ? { keySize: size } : {}), ...(deleted.key.crv ? { curve: deleted.key.crv } : {}) };
    } else if (await api.get(news.name)) {
      facts.live = true;
    }
  }
  return facts;
}

export async function check(ctx: ProviderContext, oldsRaw: Record<string, unknown>, newsRaw: Record<string, unknown>): Promise<CheckResult> {
  const parsed = parseInputs(HsmKeyFields, refineKeyArgs, userInputs(newsRaw));
  if (!parsed.success) return { inputs: newsRaw, failures: checkFailures(parsed.error) };
  const olds = Object.keys(userInputs(oldsRaw)).length ? (userInputs(oldsRaw) as unknown as HsmKeyInputs) : undefined;
  let news = normalize(parsed.data, olds);
  const plan = intent(olds, news);
  if (plan.kind === "replace-new-name" && news.autonamed && olds?.autonamed && news.name === olds.name) news = withFreshName(news);
  let facts: KeyFacts = {};
  if (!isUnknown(news.hsmUri)) {
    try {
      facts = await keyFacts(ctx.keys(news.hsmUri), olds, news, plan.kind === "replace-same-name", plan.kind === "create" || plan.kind === "replace-new-name");
    } catch (err) {
      // The caller's data-plane role may be created in this same update (check runs before it exists), so a
      // refusal here skips the look-up; apply then says which role is missing if it still is.
      if (!(err instanceof AzureApiError && err.status === 403)) {
        return { inputs: news as unknown as Record<string, unknown>, failures: [{ property: "name", reason: `couldn't check the key's name in the HSM: ${(err as Error).message}` }] };
      }
    }
  }
  return { inputs: news as unknown as Record<string, unknown>, failures: failures(olds, news, plan, facts, Date.now()) };
}

export function diff(olds: Record<string, unknown>, news: Record<string, unknown>): DiffResult {
  return planDiff(userInputs(olds) as unknown as HsmKeyInputs, userInputs(news) as unknown as HsmKeyInputs);
}

export async function create(ctx: ProviderContext, raw: Record<string, unknown>): Promise<CreateResult> {
  const p = userInputs(raw) as unknown as HsmKeyInputs;
  const api = ctx.keys(p.hsmUri);
  const id = `${p.hsmUri}keys/${p.name}`;
  if (p.recoverSoftDeleted) {
    const deleted = await api.getDeleted(p.name);
    if (deleted) {
      const size = deleted.key.kty.startsWith("RSA") ? bits(deleted.key.n) : undefined;
      if (deleted.key.kty !== p.kty || (size !== undefined && size !== p.keySize) || (deleted.key.crv !== undefined && deleted.key.crv !== p.curve)) {
        throw new Error(`Won't recover key '${p.name}': it is ${deleted.key.kty}${size ? ` ${size}` : ""}${deleted.key.crv ? ` ${deleted.key.crv}` : ""}, but the program declares ${p.kty}${p.keySize ? ` ${p.keySize}` : ""}${p.curve ? ` ${p.curve}` : ""}, and a key's type can't change.`);
      }
      await api.recover(p.name);
      return { id, outs: outputs(p, await api.update(p.name, attributesOf(p))) };
    }
  }
  if (await api.get(p.name)) throw new Error(`A key named '${p.name}' already exists in ${p.hsmUri} and is not managed by this stack; creating it would only add a version. Choose another name.`);
  const nbf = seconds(p.notBefore);
  const exp = seconds(p.expires);
  const bundle = await api.create(p.name, {
    kty: p.kty,
    ...(p.keySize !== undefined ? { key_size: p.keySize } : {}),
    ...(p.curve !== undefined ? { crv: p.curve } : {}),
    key_ops: p.keyOps,
    attributes: { enabled: p.enabled, ...(nbf !== undefined ? { nbf } : {}), ...(exp !== undefined ? { exp } : {}) },
    tags: p.tags,
  });
  return { id, outs: outputs(p, bundle) };
}

export async function update(ctx: ProviderContext, _oldsRaw: Record<string, unknown>, newsRaw: Record<string, unknown>): Promise<UpdateResult> {
  const p = userInputs(newsRaw) as unknown as HsmKeyInputs;
  return { outs: outputs(p, await ctx.keys(p.hsmUri).update(p.name, attributesOf(p))) };
}

export async function read(ctx: ProviderContext, id: string, raw: Record<string, unknown>): Promise<ReadResult> {
  const props = userInputs(raw) as unknown as HsmKeyOutputs;
  let bundle: KeyBundle | undefined;
  try {
    bundle = await ctx.keys(props.hsmUri).get(props.name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  if (!bundle) return {};
  const a = bundle.attributes;
  return {
    id,
    props: {
      ...outputs(props, bundle),
      enabled: a.enabled,
      keyOps: bundle.key.key_ops,
      tags: bundle.tags ?? {},
      ...(a.nbf !== undefined ? { notBefore: new Date(a.nbf * 1000).toISOString() } : {}),
      ...(a.exp !== undefined ? { expires: new Date(a.exp * 1000).toISOString() } : {}),
    },
  };
}

/** Soft-deletes the key, and purges it when asked and the HSM allows it. Already gone is success. */
export async function remove(ctx: ProviderContext, raw: Record<string, unknown>, log: (message: string) => void = (m) => console.error(m)): Promise<void> {
  const p = userInputs(raw) as unknown as HsmKeyOutputs;
  const api = ctx.keys(p.hsmUri);
  let deleted;
  try {
    deleted = await api.delete(p.name);
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  const level = deleted?.attributes.recoveryLevel ?? p.recoveryLevel;
  if (p.purgeOnDelete && isPurgeable(level)) {
    try {
      await api.purge(p.name);
      return;
    } catch (err) {
      if (isNotFound(err)) return;
      if (!(err instanceof AzureApiError && err.status === 403)) throw err;
      log(`mhsm: key '${p.name}' is soft-deleted but was not purged: ${err.azureMessage}`);
    }
  }
  if (deleted) log(`mhsm: key '${p.name}' is soft-deleted; its name stays reserved until ${new Date(deleted.scheduledPurgeDate * 1000).toISOString()}.`);
}
