import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { loopbackLookup } from "../provider/http/loopback";

/**
 * `npm run bench`: the emulator's key create / get / delete throughput and latency under many concurrent
 * clients, beside the same load against a bare node:http server answering a fixed JSON body, in the same
 * run on the same machine. The ratios are the figures; absolute numbers depend on the machine.
 */

const { values: args } = parseArgs({
  options: {
    keys: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "32" },
    kty: { type: "string", default: "EC-HSM" },
    "cold-starts": { type: "string", default: "5" },
    json: { type: "string" },
  },
});
const KEYS = Number(args.keys);
const CONCURRENCY = Number(args.concurrency);
const COLD_STARTS = Number(args["cold-starts"]);
const MHSM = path.resolve(__dirname, "..", "sdk", "cli", "mhsm.js");
const BASELINE_SERVER = `
const http = require("node:http");
const body = JSON.stringify({ key: { kid: "https://x/keys/k/0123456789abcdef0123456789abcdef", kty: "EC-HSM" }, attributes: { enabled: true } });
const server = http.createServer((req, res) => { req.resume(); req.on("end", () => { res.writeHead(200, { "content-type": "application/json" }); res.end(body); }); });
server.listen(0, "127.0.0.1", () => console.log("listening on http://127.0.0.1:" + server.address().port));
`;

interface Server {
  child: ChildProcess;
  endpoint: string;
  startMs: number;
}

function startProcess(argv: string[]): Promise<Server> {
  const t0 = performance.now();
  const child = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (https?\S+)/.exec(out);
      if (m) resolve({ child, endpoint: m[1]!, startMs: performance.now() - t0 });
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${out}${err}`)));
  });
}

async function waitHealthy(url: string, t0: number, ca?: string): Promise<number> {
  for (;;) {
    try {
      const res = ca ? await sendTls(url, ca) : await send({ method: "GET", url });
      if (res === 200) return performance.now() - t0;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null) return resolve();
    server.child.once("exit", () => resolve());
    server.child.kill("SIGTERM");
  });
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? "0");
  return kb / 1024;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function sendTls(url: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = https.request(url, { ca, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    r.on("error", reject);
    r.end();
  });
}

function send(req: { method: string; url: string; body?: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = http.request(
      req.url,
      { method: req.method, agent, lookup: loopbackLookup, headers: req.body ? { "content-type": "application/json" } : {} },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    r.on("error", reject);
    if (req.body) r.write(req.body);
    r.end();
  });
}

interface PhaseResult {
  requests: number;
  errors: number;
  seconds: number;
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
}

/** Runs `count` requests with CONCURRENCY workers; `make(i)` builds the i-th request. */
async function phase(count: number, make: (i: number) => { method: string; url: string; body?: string }, expect: number): Promise<PhaseResult> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < count; i = next++) {
        const start = performance.now();
        const status = await send(make(i));
        latencies.push(performance.now() - start);
        if (status !== expect) errors++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
  return { requests: count, errors, seconds, throughput: count / seconds, p50: pct(50), p95: pct(95), p99: pct(99) };
}

const fmt = (n: number, digits = 1) => n.toFixed(digits).padStart(9);

async function main(): Promise<void> {
  const location = fs.mkdtempSync(path.join(os.tmpdir(), "mhsm-bench-"));
  console.log(`mhsm bench: ${KEYS} keys (${args.kty}), ${CONCURRENCY} concurrent clients, node ${process.version}, ${os.cpus().length} cores`);

  // Cold start to healthy: a fresh process and a fresh folder each time (so the first start's CA and token
  // key are made), on the defaults (TLS, tokens), against a bare server's start.
  const cold: number[] = [];
  const restart: number[] = [];
  const coldBase: number[] = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    const dir = fs.mkdtempSync(path.join(location, "cold-"));
    const t0 = performance.now();
    const emu = await startProcess([MHSM, "emulator", "--port", "0", "--location", dir]);
    const ca = fs.readFileSync(path.join(dir, "tls", "ca.pem"), "utf8");
    cold.push(await waitHealthy(`${emu.endpoint}/_emulator/health`, t0, ca));
    await stop(emu);
    // A restart on the same folder reuses the CA, the certificate and the token key.
    const r0 = performance.now();
    const again = await startProcess([MHSM, "emulator", "--port", "0", "--location", dir]);
    restart.push(await waitHealthy(`${again.endpoint}/_emulator/health`, r0, ca));
    await stop(again);
    const b0 = performance.now();
    const base = await startProcess(["-e", BASELINE_SERVER]);
    coldBase.push(await waitHealthy(`${base.endpoint}/`, b0));
    await stop(base);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

  // The load runs over plain HTTP without tokens, as the bare server does, so the ratio is the emulator's own cost.
  const emu = await startProcess([MHSM, "emulator", "--port", "0", "--location", path.join(location, "load"), "--provisioning-delay", "0", "--no-tls", "--auth", "none"]);
  const base = await startProcess(["-e", BASELINE_SERVER]);
  const port = new URL(emu.endpoint).port;
  const sub = "00000000-0000-0000-0000-00000000be0c";
  const hsm = "bench-hsm";
  const put = await new Promise<number>((resolve, reject) => {
    const r = http.request(`${emu.endpoint}/subscriptions/${sub}/resourceGroups/bench/providers/Microsoft.KeyVault/managedHSMs/${hsm}?api-version=2024-11-01`, { method: "PUT", headers: { "content-type": "application/json" } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    r.on("error", reject);
    r.end(JSON.stringify({ location: "westeurope", properties: { tenantId: "11111111-1111-1111-1111-111111111111" } }));
  });
  if (put !== 200) throw new Error(`could not create the bench HSM: ${put}`);
  const data = `http://${hsm}.managedhsm.localhost:${port}`;
  const createBody = JSON.stringify(args.kty === "RSA-HSM" ? { kty: "RSA-HSM", key_size: 2048 } : args.kty === "oct-HSM" ? { kty: "oct-HSM" } : { kty: "EC-HSM", crv: "P-256" });

  const rows: [string, PhaseResult, PhaseResult][] = [];
  const run = async (label: string, method: string, pathOf: (i: number) => string, body: string | undefined) => {
    const e = await phase(KEYS, (i) => ({ method, url: `${data}${pathOf(i)}?api-version=7.5`, ...(body ? { body } : {}) }), 200);
    const b = await phase(KEYS, (i) => ({ method, url: `${base.endpoint}${pathOf(i)}`, ...(body ? { body } : {}) }), 200);
    rows.push([label, e, b]);
  };
  await run("create key", "POST", (i) => `/keys/k${i}/create`, createBody);
  await run("get key", "GET", (i) => `/keys/k${i}/`, undefined);
  await run("delete key", "DELETE", (i) => `/keys/k${i}`, undefined);
  const emuRss = rssMb(emu.child.pid!);
  const baseRss = rssMb(base.child.pid!);
  await stop(emu);
  await stop(base);
  agent.destroy();

  console.log("");
  console.log("operation     server       req/s     p50 ms    p95 ms    p99 ms   errors   throughput ratio (emulator / bare)");
  for (const [label, e, b] of rows) {
    console.log(`${label.padEnd(13)} emulator ${fmt(e.throughput, 0)} ${fmt(e.p50, 2)} ${fmt(e.p95, 2)} ${fmt(e.p99, 2)} ${String(e.errors).padStart(8)}   ${(e.throughput / b.throughput).toFixed(3)}`);
    console.log(`${"".padEnd(13)} bare     ${fmt(b.throughput, 0)} ${fmt(b.p50, 2)} ${fmt(b.p95, 2)} ${fmt(b.p99, 2)} ${String(b.errors).padStart(8)}`);
  }
  console.log("");
  console.log(`cold start to healthy (median of ${COLD_STARTS}): first start in a new folder ${median(cold).toFixed(0)} ms, restart ${median(restart).toFixed(0)} ms, bare node:http ${median(coldBase).toFixed(0)} ms; ratios ${(median(cold) / median(coldBase)).toFixed(2)} and ${(median(restart) / median(coldBase)).toFixed(2)}`);
  console.log(`resident memory after the load: emulator ${emuRss.toFixed(1)} MB, bare node:http ${baseRss.toFixed(1)} MB, ratio ${(emuRss / baseRss).toFixed(2)}`);
  const errors = rows.reduce((n, [, e, b]) => n + e.errors + b.errors, 0);
  if (args.json) {
    fs.writeFileSync(
      args.json,
      JSON.stringify({ keys: KEYS, concurrency: CONCURRENCY, kty: args.kty, phases: rows.map(([label, e, b]) => ({ label, emulator: e, bare: b, ratio: e.throughput / b.throughput })), coldStartMs: { firstStart: median(cold), restart: median(restart), bare: median(coldBase) }, rssMb: { emulator: emuRss, bare: baseRss } }, null, 2),
    );
  }
  fs.rmSync(location, { recursive: true, force: true });
  if (errors > 0) {
    console.error(`${errors} requests answered an unexpected status`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
