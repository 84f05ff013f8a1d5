import type { CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult } from "@pulumi/pulumi/dynamic";
import type { ManagedHsmPatchBody, ManagedHsmPutBody, ManagedHsmResource } from "../../../model/managed-hsm";
import type { HsmRef } from "../../api/managed-hsms";
import type { ProviderContext } from "../../context";
import { AzureApiError } from "../../http/errors";
import { checkFailures, isUnknown, parseInputs, userInputs } from "../common";
import { ManagedHsmArgs, type ManagedHsmInputs, type ManagedHsmOutputs } from "./args";
import { type NameFacts, diff as planDiff, failures, intent, normalize, withFreshName } from "./plan";

/** The ManagedHsm provider's operations against the service; the rules themselves are in plan.ts. */

function refOf(p: ManagedHsmInputs): HsmRef {
  return { subscriptionId: p.subscriptionId, resourceGroupName: p.resourceGroupName, name: p.name };
}

function skuOf(name: ManagedHsmInputs["sku"]): { family: "B" | "C"; name: ManagedHsmInputs["sku"] } {
  return { family: name.startsWith("Custom_C") ? "C" : "B", name };
}

function putBody(p: ManagedHsmInputs): ManagedHsmPutBody {
  return {
    location: p.location,
    sku: skuOf(p.sku),
    tags: p.tags,
    properties: {
      tenantId: p.tenantId,
      initialAdminObjectIds: p.initialAdminObjectIds,
      enableSoftDelete: true,
      softDeleteRetentionInDays: p.softDeleteRetentionInDays,
      enablePurgeProtection: p.enablePurgeProtection,
      publicNetworkAccess: p.publicNetworkAccess,
      ...(p.networkAcls ? { networkAcls: p.networkAcls } : {}),
    },
  };
}

function outputs(p: ManagedHsmInputs, res: ManagedHsmResource): ManagedHsmOutputs {
  return {
    ...p,
    hsmUri: res.properties.hsmUri ?? "",
    provisioningState: res.properties.provisioningState,
    statusMessage: res.properties.statusMessage ?? "",
  };
}

async function nameFacts(ctx: ProviderContext, news: ManagedHsmInputs, name: string): Promise<NameFacts> {
  if (isUnknown(news.subscriptionId) || isUnknown(news.location)) return {};
  const deleted = await ctx.hsms.getDeleted(news.subscriptionId, news.location, name);
  if (deleted) {
    return { deleted: { location: deleted.properties.location, deletionDate: deleted.properties.deletionDate, scheduledPurgeDate: deleted.properties.scheduledPurgeDate, purgeProtectionEnabled: deleted.properties.purgeProtectionEnabled } };
  }
  const availability = await ctx.hsms.checkName(news.subscriptionId, name);
  return availability.nameAvailable || availability.reason !== "AlreadyExists" ? {} : { live: true };
}

export async function check(ctx: ProviderContext, oldsRaw: Record<string, unknown>, newsRaw: Record<string, unknown>): Promise<CheckResult> {
  const parsed = parseInputs(ManagedHsmArgs, undefined, userInputs(newsRaw));
  if (!parsed.success) return { inputs: newsRaw, failures: checkFailures(parsed.error) };
  const oldInputs = Object.keys(userInputs(oldsRaw)).length ? (userInputs(oldsRaw) as unknown as ManagedHsmInputs) : undefined;
  const needCaller = parsed.data.initialAdminObjectIds === undefined && !oldInputs?.initialAdminObjectIds?.length;
  let callerObjectId: string | undefined;
  if (needCaller) callerObjectId = await ctx.callerObjectId().catch(() => undefined);
  let news = normalize(parsed.data as ManagedHsmArgs, oldInputs, { subscriptionId: ctx.config.subscriptionId, tenantId: ctx.config.tenantId, callerObjectId });
  let plan = intent(oldInputs, news);
  if (plan.kind === "replace-new-name" && news.autonamed && oldInputs?.autonamed && plan.name === oldInputs.name) {
    news = withFreshName(news);
    plan = { ...plan, name: news.name };
  }
  let facts: NameFacts = {};
  const probeName = plan.kind === "create" || plan.kind === "replace-new-name" ? plan.name : undefined;
  // A generated name is fresh by construction; only names a user chose can be held by someone else.
  if (probeName !== undefined && !news.autonamed && !isUnknown(probeName)) {
    try {
      facts = await nameFacts(ctx, news, probeName);
    } catch (err) {
      return { inputs: news, failures: [{ property: "name", reason: `couldn't check whether '${probeName}' is free: ${(err as Error).message}` }] };
    }
  }
  return { inputs: news as unknown as Record<string, unknown>, failures: failures(oldInputs, news, plan, facts, Date.now()) };
}

export function diff(olds: Record<string, unknown>, news: Record<string, unknown>): DiffResult {
  return planDiff(userInputs(olds) as unknown as ManagedHsmInputs, userInputs(news) as unknown as ManagedHsmInputs);
}

/** Brings a recovered HSM to the declared mutable settings. */
async function converge(ctx: ProviderContext, p: ManagedHsmInputs, res: ManagedHsmResource): Promise<ManagedHsmResource> {
  const patch = patchFor(p, {
    tags: res.tags,
    publicNetworkAccess: res.properties.publicNetworkAccess,
    networkAcls: res.properties.networkAcls,
    enablePurgeProtection: res.properties.enablePurgeProtection,
  });
  return patch ? ctx.hsms.patch(refOf(p), patch) : res;
}

type Mutable = Pick<ManagedHsmInputs, "tags" | "publicNetworkAccess" | "networkAcls" | "enablePurgeProtection">;

/** Only what may change in place, and only where it differs; never a change the service would refuse. */
function patchFor(want: Mutable, have: Partial<Mutable>): ManagedHsmPatchBody | undefined {
  const body: ManagedHsmPatchBody & { properties: NonNullable<ManagedHsmPatchBody["properties"]> } = { properties: {} };
  if (JSON.stringify(want.tags) !== JSON.stringify(have.tags ?? {})) body.tags = want.tags;
  if (want.publicNetworkAccess !== have.publicNetworkAccess) body.properties.publicNetworkAccess = want.publicNetworkAccess;
  if (want.networkAcls && JSON.stringify(want.networkAcls) !== JSON.stringify(have.networkAcls)) body.properties.networkAcls = want.networkAcls;
  if (want.enablePurgeProtection && !have.enablePurgeProtection) body.properties.enablePurgeProtection = true;
  return body.tags !== undefined || Object.keys(body.properties).length > 0 ? body : undefined;
}

export async function create(ctx: ProviderContext, raw: Record<string, unknown>): Promise<CreateResult> {
  const p = userInputs(raw) as unknown as ManagedHsmInputs;
  const ref = refOf(p);
  if (p.recoverSoftDeleted) {
    const deleted = await ctx.hsms.getDeleted(p.subscriptionId, p.location, p.name);
    if (deleted) {
      if (deleted.properties.purgeProtectionEnabled && !p.enablePurgeProtection) {
        throw new Error(`Won't recover '${p.name}': it has purge protection, which can't be turned off, but enablePurgeProtection is false.`);
      }
      const recovered = await ctx.hsms.recover(ref, p.location);
      if (recovered.properties.softDeleteRetentionInDays !== p.softDeleteRetentionInDays) {
        throw new Error(`Recovered '${p.name}', but its softDeleteRetentionInDays is ${recovered.properties.softDeleteRetentionInDays}, not the declared ${p.softDeleteRetentionInDays}; retention can't change. Declare ${recovered.properties.softDeleteRetentionInDays} and run pulumi up again.`);
      }
      const res = await converge(ctx, p, recovered);
      return { id: res.id, outs: outputs(p, res) };
    }
  }
  if (await ctx.hsms.get(ref)) {
    throw new Error(`The managed HSM '${p.name}' already exists in resource group '${p.resourceGroupName}' and is not managed by this stack; choose another name or remove it first.`);
  }
  const res = await ctx.hsms.put(ref, putBody(p));
  return { id: res.id, outs: outputs(p, res) };
}

export async function update(ctx: ProviderContext, oldsRaw: Record<string, unknown>, newsRaw: Record<string, unknown>): Promise<UpdateResult> {
  const olds = userInputs(oldsRaw) as unknown as ManagedHsmOutputs;
  const news = userInputs(newsRaw) as unknown as ManagedHsmInputs;
  const patch = patchFor(news, olds);
  if (!patch) return { outs: { ...olds, ...news } };
  const res = await ctx.hsms.patch(refOf(news), patch);
  return { outs: outputs(news, res) };
}

export async function read(ctx: ProviderContext, id: string, raw: Record<string, unknown>): Promise<ReadResult> {
  const props = userInputs(raw) as unknown as ManagedHsmOutputs;
  const res = await ctx.hsms.get(refOf(props));
  // Soft-deleted or purged: gone, so refresh drops it from the stack.
  if (!res) return {};
  const drifted: ManagedHsmOutputs = {
    ...props,
    tags: res.tags,
    publicNetworkAccess: res.properties.publicNetworkAccess,
    ...(res.properties.networkAcls && props.networkAcls ? { networkAcls: res.properties.networkAcls } : {}),
    enablePurgeProtection: res.properties.enablePurgeProtection,
    softDeleteRetentionInDays: res.properties.softDeleteRetentionInDays,
    hsmUri: res.properties.hsmUri ?? props.hsmUri,
    provisioningState: res.properties.provisioningState,
    statusMessage: res.properties.statusMessage ?? "",
  };
  return { id, props: drifted };
}

/** Soft-deletes; purges too when asked and allowed. Already gone is success. */
export async function remove(ctx: ProviderContext, raw: Record<string, unknown>, log: (message: string) => void = (m) => console.error(m)): Promise<void> {
  const p = userInputs(raw) as unknown as ManagedHsmOutputs;
  await ctx.hsms.delete(refOf(p));
  if (p.purgeOnDelete && !p.enablePurgeProtection) {
    try {
      await ctx.hsms.purge(p.subscriptionId, p.location, p.name);
      return;
    } catch (err) {
      if (err instanceof AzureApiError && err.status === 404) return;
      if (!(err instanceof AzureApiError && err.status === 403)) throw err;
      log(`mhsm: '${p.name}' is soft-deleted but was not purged: ${err.azureMessage}`);
    }
  }
  const deleted = await ctx.hsms.getDeleted(p.subscriptionId, p.location, p.name).catch(() => undefined);
  if (deleted) {
    log(`mhsm: managed HSM '${p.name}' is soft-deleted; its name stays reserved and it keeps accruing charges until ${deleted.properties.scheduledPurgeDate}${deleted.properties.purgeProtectionEnabled ? " (purge protection: it can't be purged sooner)" : ""}.`);
  }
}
