import type * as pulumi from "@pulumi/pulumi";
import { expect } from "vitest";
import type { EmulatorProcess } from "./emulator-process";

type Props = Record<string, unknown>;

/** A stack's record of one resource, as the engine keeps it: its id, its last inputs, its outputs. */
export interface ResourceState {
  id: string;
  inputs: Props;
  outputs: Props;
}

/** Stack config for the providers' `configure`, pointing at an emulator over TLS. */
export function configureRequest(emu: EmulatorProcess, subscriptionId: string, extra: Record<string, string> = {}): pulumi.dynamic.ConfigureRequest {
  const values: Record<string, string> = { "mhsm:endpoint": emu.endpoint, "mhsm:subscriptionId": subscriptionId, "mhsm:caCert": emu.ca!, ...extra };
  return { config: { get: (k: string) => values[k], require: (k: string) => values[k] ?? (() => { throw new Error(`missing ${k}`); })() } };
}

export type Step = { kind: "create" | "update" | "replace" | "same"; state: ResourceState; deleteBeforeReplace?: boolean; replaces?: string[] };

/**
 * `pulumi up` for one resource, in the engine's order: check, diff, then create, update, or replace (create
 * then delete, or delete then create when the provider asks). Check failures are returned, not thrown.
 */
export async function up(provider: pulumi.dynamic.ResourceProvider, previous: ResourceState | undefined, args: Props): Promise<Step | { failures: pulumi.dynamic.CheckFailure[] }> {
  const checked = await provider.check!(previous?.inputs ?? {}, args);
  if (checked.failures?.length) return { failures: [...checked.failures] };
  const inputs = checked.inputs as Props;
  if (!previous) {
    const created = await provider.create(inputs);
    return { kind: "create", state: { id: created.id, inputs, outputs: created.outs as Props } };
  }
  const diff = await provider.diff!(previous.id, previous.outputs, inputs);
  if (!diff.changes) return { kind: "same", state: previous };
  if (diff.replaces?.length) {
    if (diff.deleteBeforeReplace) await provider.delete!(previous.id, previous.outputs);
    const created = await provider.create(inputs);
    if (!diff.deleteBeforeReplace) await provider.delete!(previous.id, previous.outputs);
    return { kind: "replace", state: { id: created.id, inputs, outputs: created.outs as Props }, deleteBeforeReplace: diff.deleteBeforeReplace ?? false, replaces: diff.replaces };
  }
  const updated = await provider.update!(previous.id, previous.outputs, inputs);
  return { kind: "update", state: { id: previous.id, inputs, outputs: updated.outs as Props } };
}

export async function upOk(provider: pulumi.dynamic.ResourceProvider, previous: ResourceState | undefined, args: Props): Promise<Step> {
  const step = await up(provider, previous, args);
  if ("failures" in step) expect.fail(`check refused: ${JSON.stringify(step.failures)}`);
  return step as Step;
}
