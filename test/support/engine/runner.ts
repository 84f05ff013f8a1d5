/**
 * The engine, as far as dynamic providers can tell. This file is transpiled into a user's IaC directory and
 * run there, so everything it loads comes from that directory's node_modules: the user's `@pulumi/pulumi`,
 * its dynamic-provider server, its gRPC stubs, and the installed `pulumi-managed-hsm`.
 *
 *   node runner.js <request.json>
 *
 * It runs the program under `pulumi.runtime.setMocks`, and for each resource the program registers calls
 * Check, Diff and Create/Update (or a replacement in either order) over gRPC on the SDK's own
 * dynamic-provider server, as `pulumi preview` / `pulumi up` do. Then it deletes what the program no longer
 * declares, dependents first. `refresh` calls Read, `destroy` calls Delete. The stack's state (ids, inputs,
 * outputs, and the stored `__provider`) is kept in a JSON file between runs.
 */
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

interface Request {
  command: "preview" | "up" | "refresh" | "destroy";
  program: string;
  statePath: string;
  resultPath: string;
  project: string;
  stack: string;
  /** Stack config for the program (`project:key` → value). */
  programConfig: Record<string, string>;
  /** Stack config for the provider (`mhsm:*`), sent with Configure. */
  providerConfig: Record<string, string>;
}

interface StateResource {
  urn: string;
  type: string;
  name: string;
  id: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

export interface Step {
  op: "create" | "update" | "replace" | "delete" | "same" | "refresh" | "read-gone";
  type: string;
  name: string;
  diff?: string[];
  deleteBeforeReplace?: boolean;
}

export interface RunResult {
  steps: Step[];
  failures: { type: string; name: string; property: string; reason: string; value: unknown }[];
  errors: string[];
  outputs: Record<string, unknown>;
  providerLog: string;
}

const req = JSON.parse(fs.readFileSync(process.argv[2]!, "utf8")) as Request;
const userDir = path.dirname(req.program);
const fromUser = (id: string) => require(require.resolve(id, { paths: [userDir] }));

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const state: StateResource[] = fs.existsSync(req.statePath) ? JSON.parse(fs.readFileSync(req.statePath, "utf8")).resources : [];
const result: RunResult = { steps: [], failures: [], errors: [], outputs: {}, providerLog: "" };

/** Starts `pulumi-resource-pulumi-nodejs` the way its shell script does, and connects to it. */
async function startProviderServer(): Promise<{ client: any; child: ChildProcess; proto: any; struct: any }> {
  const script = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [userDir] });
  const child = spawn(process.execPath, [script, "127.0.0.1:1"], { cwd: userDir, stdio: ["ignore", "pipe", "pipe"] });
  child.stderr!.on("data", (d: Buffer) => (result.providerLog += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const line = out.split("\n")[0]!;
      if (out.includes("\n") && /^\d+$/.test(line.trim())) resolve(Number(line));
    });
    child.once("exit", (code) => reject(new Error(`dynamic-provider server exited with ${code}: ${result.providerLog}`)));
  });
  const grpc = fromUser("@grpc/grpc-js");
  const services = fromUser("@pulumi/pulumi/proto/provider_grpc_pb");
  const proto = fromUser("@pulumi/pulumi/proto/provider_pb");
  const struct = fromUser("google-protobuf/google/protobuf/struct_pb");
  const client = new services.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return { client, child, proto, struct };
}

function call<T>(client: any, method: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) => client[method](request, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));
}

/** Inputs as the engine sends them: the program's unknowns become the wire's unknown value. */
function toWire(value: unknown, pulumi: any): unknown {
  if (pulumi.isUnknown?.(value) || (value && typeof value === "object" && value.constructor?.name === "Unknown")) return UNKNOWN;
  if (Array.isArray(value)) return value.map((v) => toWire(v, pulumi));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toWire(v, pulumi);
    return out;
  }
  return value;
}

/** Top-level inputs that differ, as the engine lists them in `[diff: ~a,~b]`. */
function diffKeys(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)].filter((k) => k !== "__provider" && k !== "resourceName"));
  return [...keys].filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k])).sort();
}

async function main(): Promise<void> {
  const { client, child, proto, struct } = await startProviderServer();
  const S = (v: unknown) => struct.Struct.fromJavaScript(v);
  try {
    const configure = new proto.ConfigureRequest();
    configure.setArgs(S(req.providerConfig));
    configure.setAcceptsecrets(false);
    await call(client, "configure", configure);

    const urnOf = (type: string, name: string) => `urn:pulumi:${req.stack}::${req.project}::${type}::${name}`;
    const provider = {
      async check(urn: string, olds: unknown, news: unknown) {
        const r = new proto.CheckRequest();
        r.setUrn(urn);
        r.setOlds(S(olds));
        r.setNews(S(news));
        const res: any = await call(client, "check", r);
        return { inputs: res.getInputs()?.toJavaScript() ?? {}, failures: res.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })) };
      },
      async diff(urn: string, id: string, olds: unknown, news: unknown) {
        const r = new proto.DiffRequest();
        r.setUrn(urn);
        r.setId(id);
        r.setOlds(S(olds));
        r.setNews(S(news));
        const res: any = await call(client, "diff", r);
        return { changes: res.getChanges(), replaces: res.getReplacesList() as string[], deleteBeforeReplace: res.getDeletebeforereplace() as boolean };
      },
      async create(urn: string, props: unknown) {
        const r = new proto.CreateRequest();
        r.setUrn(urn);
        r.setProperties(S(props));
        const res: any = await call(client, "create", r);
        return { id: res.getId() as string, outputs: res.getProperties().toJavaScript() };
      },
      async update(urn: string, id: string, olds: unknown, news: unknown) {
        const r = new proto.UpdateRequest();
        r.setUrn(urn);
        r.setId(id);
        r.setOlds(S(olds));
        r.setNews(S(news));
        const res: any = await call(client, "update", r);
        return res.getProperties().toJavaScript();
      },
      async read(urn: string, id: string, props: unknown) {
        const r = new proto.ReadRequest();
        r.setUrn(urn);
        r.setId(id);
        r.setProperties(S(props));
        const res: any = await call(client, "read", r);
        return { id: res.getId() as string, outputs: res.getProperties()?.toJavaScript() ?? {} };
      },
      async delete(urn: string, id: string, props: unknown) {
        const r = new proto.DeleteRequest();
        r.setUrn(urn);
        r.setId(id);
        r.setProperties(S(props));
        await call(client, "delete", r);
      },
    };

    if (req.command === "refresh") {
      for (const res of state) {
        const read = await provider.read(res.urn, res.id, res.outputs);
        if (!read.id) {
          result.steps.push({ op: "read-gone", type: res.type, name: res.name });
          state.splice(state.indexOf(res), 1);
        } else {
          const drift = diffKeys(res.outputs, read.outputs);
          result.steps.push({ op: "refresh", type: res.type, name: res.name, diff: drift });
          res.outputs = read.outputs;
        }
      }
    } else if (req.command === "destroy") {
      for (const res of [...state].reverse()) {
        await provider.delete(res.urn, res.id, res.outputs);
        result.steps.push({ op: "delete", type: res.type, name: res.name });
        state.splice(state.indexOf(res), 1);
      }
    } else {
      await runProgram(provider, urnOf);
    }
  } finally {
    child.kill();
    fs.writeFileSync(req.statePath, JSON.stringify({ resources: state }, null, 2));
    fs.writeFileSync(req.resultPath, JSON.stringify(result, null, 2));
  }
}

async function runProgram(provider: any, urnOf: (type: string, name: string) => string): Promise<void> {
  const preview = req.command === "preview";
  process.env.PULUMI_CONFIG = JSON.stringify(req.programConfig);
  const pulumi = fromUser("@pulumi/pulumi");
  const registered: StateResource[] = [];
  const pendingDeletes: StateResource[] = [];
  let failed = false;

  await pulumi.runtime.setMocks(
    {
      call: () => ({}),
      newResource: async (args: { type: string; name: string; inputs: Record<string, unknown> }) => {
        const urn = urnOf(args.type, args.name);
        const old = state.find((r) => r.urn === urn);
        const news = toWire(args.inputs, pulumi) as Record<string, unknown>;
        const checked = await provider.check(urn, old?.inputs ?? {}, news);
        if (checked.failures.length) {
          // The engine refuses this step and starts no further changes; what is in the stack stays as it is.
          failed = true;
          for (const f of checked.failures) result.failures.push({ type: args.type, name: args.name, ...f, value: news[f.property] });
          if (old) registered.push(old);
          return { id: old?.id, state: old?.outputs ?? {} };
        }
        // After a failed step, `up` changes nothing more: the rest is only planned, as in a preview.
        const dryRun = preview || failed;
        const inputs = checked.inputs;
        if (!old) {
          result.steps.push({ op: "create", type: args.type, name: args.name });
          if (dryRun) return { id: undefined, state: inputs };
          const created = await provider.create(urn, inputs);
          registered.push({ urn, type: args.type, name: args.name, id: created.id, inputs, outputs: created.outputs });
          return { id: created.id, state: created.outputs };
        }
        const diff = await provider.diff(urn, old.id, old.outputs, inputs);
        const keys = diffKeys(old.inputs, inputs);
        if (diff.replaces.length) {
          result.steps.push({ op: "replace", type: args.type, name: args.name, diff: diff.replaces, deleteBeforeReplace: diff.deleteBeforeReplace });
          if (dryRun) {
            registered.push(old);
            return { id: old.id, state: inputs };
          }
          if (diff.deleteBeforeReplace) await provider.delete(urn, old.id, old.outputs);
          else pendingDeletes.push(old);
          const created = await provider.create(urn, inputs);
          registered.push({ urn, type: args.type, name: args.name, id: created.id, inputs, outputs: created.outputs });
          return { id: created.id, state: created.outputs };
        }
        // DIFF_SOME is 2 in the protocol; DIFF_NONE is 1.
        if (diff.changes === 2) {
          result.steps.push({ op: "update", type: args.type, name: args.name, diff: keys });
          if (dryRun) {
            registered.push(old);
            return { id: old.id, state: { ...old.outputs, ...inputs } };
          }
          const outputs = await provider.update(urn, old.id, old.outputs, inputs);
          registered.push({ urn, type: args.type, name: args.name, id: old.id, inputs, outputs });
          return { id: old.id, state: outputs };
        }
        result.steps.push({ op: "same", type: args.type, name: args.name });
        registered.push(old);
        return { id: old.id, state: old.outputs };
      },
    },
    req.project,
    req.stack,
    preview,
  );

  let exported: Record<string, unknown> = {};
  try {
    exported = require(req.program);
    await pulumi.runtime.disconnect();
    // `apply` never runs on unknowns at preview; the Output's own promise resolves with them.
    const resolved = await (pulumi.output(exported) as { promise(withUnknowns: boolean): Promise<unknown> }).promise(true);
    result.outputs = toWire(resolved ?? {}, pulumi) as Record<string, unknown>;
  } catch (err) {
    result.errors.push((err as Error).message);
  }
  if (failed || result.errors.length) {
    // Nothing is deleted after a failed step; what was created before it is kept.
    if (!preview) {
      const kept = state.filter((r) => !registered.some((x) => x.urn === r.urn));
      state.length = 0;
      state.push(...registered, ...kept);
    }
    return;
  }
  // What the program no longer declares goes, dependents (registered later) first; then replaced originals.
  const gone = state.filter((r) => !registered.some((x) => x.urn === r.urn)).reverse();
  for (const res of gone) {
    result.steps.push({ op: "delete", type: res.type, name: res.name });
    if (!preview) await provider.delete(res.urn, res.id, res.outputs);
  }
  if (!preview) {
    for (const res of pendingDeletes.reverse()) await provider.delete(res.urn, res.id, res.outputs);
    state.length = 0;
    state.push(...registered);
  }
}

process.on("unhandledRejection", (err) => result.errors.push(err instanceof Error ? err.message : String(err)));

main().then(
  () => process.exit(0),
  (err: unknown) => {
    result.errors.push(err instanceof Error ? err.stack ?? err.message : String(err));
    fs.writeFileSync(req.resultPath, JSON.stringify(result, null, 2));
    process.exit(1);
  },
);
