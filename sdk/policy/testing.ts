import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Policies, type PolicyResource, type ResourceValidationPolicy, type StackValidationPolicy, UnknownValueError, unknownCheckingProxy } from "@pulumi/policy";

/**
 * Test policies without the Pulumi CLI (pulumi-policy #445): run a program the way the engine would and
 * evaluate any policies (these or your own) against what it registers, or against one resource's inputs.
 * Unknown values at preview behave as in the engine: a policy that reads one is skipped for that resource.
 */

export interface TestResource {
  type: string;
  name: string;
  urn?: string;
  props: Record<string, unknown>;
}

export interface Violation {
  policy: string;
  enforcementLevel: string;
  message: string;
  /** The resource the violation is about; absent for a stack-level violation without one. */
  resource?: string;
  type?: string;
  urn?: string;
}

export interface EvaluateOptions {
  /** Policy config by policy name, as in a policy pack's config file (with `enforcementLevel`); schema defaults fill the rest. */
  policyConfig?: Record<string, Record<string, unknown>>;
}

type AnyPolicy = ResourceValidationPolicy | StackValidationPolicy;

function configOf(policy: AnyPolicy, options: EvaluateOptions): Record<string, unknown> {
  const defaults = Object.fromEntries(Object.entries(policy.configSchema?.properties ?? {}).map(([k, v]) => [k, (v as { default?: unknown }).default]).filter(([, v]) => v !== undefined));
  return { ...defaults, ...(options.policyConfig?.[policy.name] ?? {}) };
}

const levelOf = (policy: AnyPolicy, options: EvaluateOptions) => (options.policyConfig?.[policy.name]?.enforcementLevel as string | undefined) ?? policy.enforcementLevel ?? "advisory";

async function skippingUnknowns(run: () => void | Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (!(err instanceof UnknownValueError)) throw err;
  }
}

/** Evaluates policies against the resources of a stack. */
export async function evaluatePolicies(policies: Policies, resources: TestResource[], options: EvaluateOptions = {}): Promise<Violation[]> {
  const violations: Violation[] = [];
  const urnOf = (r: TestResource) => r.urn ?? `urn:pulumi:test::test::${r.type}::${r.name}`;
  for (const policy of policies) {
    const enforcementLevel = levelOf(policy, options);
    if (enforcementLevel === "disabled") continue;
    const config = configOf(policy, options);
    if ("validateResource" in policy && policy.validateResource) {
      const validators = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
      for (const r of resources) {
        const args = {
          type: r.type,
          name: r.name,
          urn: urnOf(r),
          props: unknownCheckingProxy(r.props),
          opts: {} as never,
          stackTags: new Map<string, string>(),
          getConfig: <T>() => config as T,
          isType: () => false,
          asType: () => undefined,
          notApplicable: () => {
            throw new UnknownValueError(undefined, []);
          },
        };
        for (const validate of validators) {
          await skippingUnknowns(() =>
            (validate as (a: unknown, report: (message: string) => void) => void | Promise<void>)(args, (message) =>
              violations.push({ policy: policy.name, enforcementLevel, message, resource: r.name, type: r.type, urn: urnOf(r) }),
            ),
          );
        }
      }
    }
    if ("validateStack" in policy && policy.validateStack) {
      const byUrn = new Map(resources.map((r) => [urnOf(r), r] as const));
      const stackResources = resources.map((r) => ({
        type: r.type,
        name: r.name,
        urn: urnOf(r),
        props: unknownCheckingProxy(r.props),
        opts: {} as never,
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
      })) as unknown as PolicyResource[];
      await skippingUnknowns(() =>
        (policy.validateStack as (a: unknown, report: (message: string, urn?: string) => void) => void | Promise<void>)(
          { resources: stackResources, stackTags: new Map(), getConfig: <T>() => config as T, notApplicable: () => { throw new UnknownValueError(undefined, []); } },
          (message, urn) => {
            const r = urn ? byUrn.get(urn) : undefined;
            violations.push({ policy: policy.name, enforcementLevel, message, ...(r ? { resource: r.name, type: r.type, urn } : {}) });
          },
        ),
      );
    }
  }
  return violations;
}

/** Evaluates resource policies against one resource's inputs. */
export function validateResourceInputs(policies: Policies, resource: TestResource, options: EvaluateOptions = {}): Promise<Violation[]> {
  return evaluatePolicies(policies, [resource], options);
}

export interface RunOptions {
  /** Run as `pulumi preview` would: outputs not known yet are unknown. Default false. */
  preview?: boolean;
  /** The program's stack config, `key` or `project:key` → value. */
  stackConfig?: Record<string, string>;
  project?: string;
  stack?: string;
}

/**
 * Runs a Pulumi program (a `.js` file, or a folder whose `index.js` it is) under mocks, in a child process
 * that loads `@pulumi/pulumi` from the program's own `node_modules`, and returns what it registers.
 */
export async function runProgram(program: string, options: RunOptions = {}): Promise<TestResource[]> {
  const file = fs.statSync(program).isDirectory() ? path.join(program, "index.js") : program;
  const project = options.project ?? path.basename(path.dirname(path.resolve(file)));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mhsm-policy-"));
  const requestPath = path.join(dir, "request.json");
  const resultPath = path.join(dir, "result.json");
  const config = Object.fromEntries(Object.entries(options.stackConfig ?? {}).map(([k, v]) => [k.includes(":") ? k : `${project}:${k}`, v]));
  fs.writeFileSync(requestPath, JSON.stringify({ program: path.resolve(file), preview: options.preview ?? false, config, project, stack: options.stack ?? "test", resultPath }));
  try {
    const stderr = await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, [path.join(__dirname, "collect.js"), requestPath], { stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
      child.on("exit", () => resolve(err));
    });
    if (!fs.existsSync(resultPath)) throw new Error(`The program ${file} could not be run: ${stderr}`);
    const result = JSON.parse(fs.readFileSync(resultPath, "utf8")) as { resources: TestResource[]; error?: string };
    if (result.error) throw new Error(`The program ${file} failed: ${result.error}`);
    return result.resources;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a program and evaluates policies against it: the violations, with resource names and messages. */
export async function testProgramPolicies(program: string, policies: Policies, options: RunOptions & EvaluateOptions = {}): Promise<{ resources: TestResource[]; violations: Violation[] }> {
  const resources = await runProgram(program, options);
  return { resources, violations: await evaluatePolicies(policies, resources, options) };
}
