import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { request } from "./http";

export const MHSM_BIN = path.resolve(__dirname, "../../dist/sdk/cli/mhsm.js");

export interface EmulatorProcess {
  endpoint: string;
  /** The emulator's CA (PEM) when it serves TLS. */
  ca: string | undefined;
  port: number;
  location: string;
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  hsmBase(name: string): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  location?: string;
  inMemory?: boolean;
  provisioningDelay?: string;
  /** TLS and tokens, as the emulator runs by default; otherwise `--no-tls --auth none` for tests of the rules. */
  secure?: boolean;
  /** The CA to trust when the emulator serves a certificate of the test's own (`--cert`). */
  ca?: string;
  extraArgs?: string[];
}

const running = new Set<EmulatorProcess>();

export function tempDir(prefix = "mhsm-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Starts `mhsm emulator` as a child process on a free port (`--port 0`), waits for its banner and for
 * `/_emulator/health`, and registers it so `stopAllEmulators` ends it whatever happens in the test.
 */
export async function startEmulatorProcess(options: StartOptions = {}): Promise<EmulatorProcess> {
  const location = options.location ?? tempDir();
  const args = [
    MHSM_BIN,
    "emulator",
    "--port",
    "0",
    "--location",
    location,
    "--provisioning-delay",
    options.provisioningDelay ?? "0",
    ...(options.inMemory ? ["--in-memory"] : []),
    ...(options.secure ? [] : ["--no-tls", "--auth", "none"]),
    ...(options.extraArgs ?? []),
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator did not start in 20 s\nstdout: ${out}\nstderr: ${err}`)), 20_000);
    const check = () => {
      const m = /listening on (https?\S+)/.exec(out);
      // The banner is complete once its TLS line is out.
      if (m && /\n {2}(CA certificate|TLS certificate|TLS):/.test(out)) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited with ${code}\nstdout: ${out}\nstderr: ${err}`));
    });
  });
  const port = Number(new URL(endpoint).port);
  const caFile = /CA certificate:\s+(\S+)/.exec(out)?.[1];
  const ca = options.ca ?? (caFile ? fs.readFileSync(caFile, "utf8") : undefined);
  const health = await request("GET", `${endpoint}/_emulator/health`, ca ? { ca } : {});
  if (health.status !== 200) throw new Error(`health answered ${health.status}`);
  const proc: EmulatorProcess = {
    endpoint,
    ca,
    port,
    location,
    child,
    stdout: () => out,
    stderr: () => err,
    hsmBase: (name) => `${endpoint.startsWith("https") ? "https" : "http"}://${name.toLowerCase()}.managedhsm.localhost:${port}`,
    stop: (signal = "SIGTERM") =>
      new Promise<void>((resolve) => {
        running.delete(proc);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      }),
  };
  running.add(proc);
  return proc;
}

export async function stopAllEmulators(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop("SIGKILL")));
}
