import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ts from "typescript";
import type { RunResult, Step } from "./runner";

/**
 * The engine path without the Pulumi CLI: the package is packed and installed into a directory that stands
 * for a user's IaC repository (nothing of this repository is reachable from it), example programs are
 * placed there, and runner.ts plays the engine against the SDK's own dynamic-provider server.
 */

export const REPO_ROOT = path.resolve(__dirname, "../../..");

export interface UserRepo {
  dir: string;
  /** How long packing and installing took, in ms. */
  installMs: number;
}

function npm(args: string[], cwd: string): string {
  return execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, npm_config_loglevel: "error", npm_config_fund: "false", npm_config_audit: "false" } });
}

/** `npm pack` of this repository (built already), installed with `npm install` into a fresh directory. */
export function installUserRepo(log: (line: string) => void = () => {}): UserRepo {
  const t0 = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mhsm-user-repo-"));
  log(`packing pulumi-managed-hsm into ${dir}`);
  const packed = JSON.parse(npm(["pack", "--json", "--ignore-scripts", "--pack-destination", dir], REPO_ROOT)) as { filename: string }[];
  const tarball = packed[0]!.filename;
  const versionOf = (pkg: string) => (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
  const pulumiVersion = versionOf("@pulumi/pulumi");
  const policyVersion = versionOf("@pulumi/policy");
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: "user-iac", private: true, dependencies: { "pulumi-managed-hsm": `file:./${tarball}`, "@pulumi/pulumi": pulumiVersion, "@pulumi/policy": policyVersion } }, null, 2),
  );
  log("installing it as a user would (npm install; better-sqlite3 compiles, about a minute)");
  npm(["install", "--prefer-offline", "--no-audit", "--no-fund"], dir);
  const runner = ts.transpileModule(fs.readFileSync(path.join(__dirname, "runner.ts"), "utf8"), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
  fs.writeFileSync(path.join(dir, "runner.js"), runner.outputText);
  return { dir, installMs: Date.now() - t0 };
}

/** Places an example program (examples/<name>/index.ts) in the user repository, transpiled as Pulumi's TypeScript support would. */
export function addProgram(repo: UserRepo, example: string): string {
  const source = path.join(REPO_ROOT, "examples", example, "index.ts");
  const target = path.join(repo.dir, example);
  fs.mkdirSync(target, { recursive: true });
  const js = ts.transpileModule(fs.readFileSync(source, "utf8"), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
  fs.writeFileSync(path.join(target, "index.js"), js.outputText);
  return path.join(target, "index.js");
}

/** A stack: one program, its config, and its state between commands. */
export class Stack {
  readonly statePath: string;

  constructor(
    readonly repo: UserRepo,
    readonly program: string,
    readonly providerConfig: Record<string, string>,
    public programConfig: Record<string, string> = {},
    readonly name = "dev",
  ) {
    this.statePath = path.join(path.dirname(program), `state-${name}-${Date.now()}.json`);
  }

  preview(config?: Record<string, string>): Promise<RunResult> {
    return this.run("preview", config);
  }
  up(config?: Record<string, string>): Promise<RunResult> {
    return this.run("up", config);
  }
  refresh(): Promise<RunResult> {
    return this.run("refresh");
  }
  destroy(): Promise<RunResult> {
    return this.run("destroy");
  }

  state(): { type: string; name: string; id: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> }[] {
    return fs.existsSync(this.statePath) ? JSON.parse(fs.readFileSync(this.statePath, "utf8")).resources : [];
  }

  private run(command: "preview" | "up" | "refresh" | "destroy", config?: Record<string, string>): Promise<RunResult> {
    if (config) this.programConfig = config;
    const project = path.basename(path.dirname(this.program));
    const resultPath = `${this.statePath}.${command}.result.json`;
    const requestPath = `${this.statePath}.request.json`;
    const prefixed = Object.fromEntries(Object.entries(this.programConfig).map(([k, v]) => [k.includes(":") ? k : `${project}:${k}`, v]));
    fs.writeFileSync(requestPath, JSON.stringify({ command, program: this.program, statePath: this.statePath, resultPath, project, stack: this.name, programConfig: prefixed, providerConfig: this.providerConfig }));
    fs.rmSync(resultPath, { force: true });
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(this.repo.dir, "runner.js"), requestPath], { cwd: this.repo.dir, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
      const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
      child.once("exit", () => {
        clearTimeout(timer);
        if (!fs.existsSync(resultPath)) return reject(new Error(`runner wrote no result:\n${output}`));
        const result = JSON.parse(fs.readFileSync(resultPath, "utf8")) as RunResult;
        result.providerLog += output;
        resolve(result);
      });
    });
  }
}

const SYMBOL: Record<Step["op"], string> = { create: "+ ", update: "~ ", replace: "+-", delete: "- ", same: "  ", refresh: "~ ", "read-gone": "- " };

/** Renders a run the way `pulumi preview` shows it: one line a resource, failures as errors, and a summary. */
export function render(result: RunResult, command = "preview"): string {
  const lines: string[] = [];
  const shortType = (t: string) => t.replace("pulumi-nodejs:dynamic/", "");
  for (const s of result.steps) {
    if (s.op === "same") continue;
    const op = s.op === "read-gone" ? "deleted (gone)" : s.op === "replace" ? `replace${s.deleteBeforeReplace ? " (delete first)" : ""}` : s.op;
    const diff = s.diff?.length ? ` [diff: ${s.diff.map((d) => `~${d}`).join(", ")}]` : "";
    lines.push(` ${SYMBOL[s.op]} ${shortType(s.type).padEnd(22)} ${s.name.padEnd(16)} ${op}${diff}`);
  }
  for (const f of result.failures) {
    lines.push(`error: ${shortType(f.type)} resource '${f.name}': property ${f.property} value ${JSON.stringify(f.value)} has a problem: ${f.reason}`);
  }
  for (const e of result.errors) if (!/has check failures/.test(e)) lines.push(`error: ${e.split("\n")[0]}`);
  const count = (op: Step["op"]) => result.steps.filter((s) => s.op === op).length;
  const verb = command === "preview" ? ["to create", "to update", "to replace", "to delete"] : ["created", "updated", "replaced", "deleted"];
  const parts = [
    [count("create"), verb[0]],
    [count("update"), verb[1]],
    [count("replace"), verb[2]],
    [count("delete") + count("read-gone"), verb[3]],
    [count("same"), "unchanged"],
  ].filter(([n]) => (n as number) > 0);
  lines.push(`Resources: ${parts.length ? parts.map(([n, w]) => `${n} ${w}`).join(", ") : "no changes"}${result.failures.length ? `; ${result.failures.length} failed check` : ""}`);
  return lines.join("\n");
}
