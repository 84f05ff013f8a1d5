import { Command, InvalidArgumentError, Option } from "commander";
import { DEFAULT_CONFIG, type EmulatorConfig } from "../../emulator/config";
import { type RunningEmulator, startEmulator } from "../../emulator/server";
import { advanceEmulatorClock, getEmulatorClock } from "../functions";
import { parseDuration } from "./duration";
import { outputOption } from "./output";
import { type CommonOptions, action } from "./run";

function durationOption(value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function portOption(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError(`'${value}' is not a port: use 0 to 65535 (0 picks a free one)`);
  return port;
}

function authOption(value: string): "token" | "none" {
  if (value !== "token" && value !== "none") throw new InvalidArgumentError(`'${value}' is not an auth mode: use token or none`);
  return value;
}

interface EmulatorOptions {
  port: number;
  host: string;
  location: string;
  inMemory: boolean;
  provisioningDelay: number;
  hsmHostSuffix: string;
  debug: boolean;
  auth: "token" | "none";
  tls: boolean;
  cert?: string;
  key?: string;
  principals?: string;
  tokenLifetime: number;
}

function banner(running: RunningEmulator): string {
  const { urls, config, databaseLocation, caFile, directory } = running;
  const lines = [
    `mhsm emulator listening on ${urls.endpoint}`,
    `  control plane (ARM):  ${urls.endpoint}/subscriptions/{subscriptionId}/...`,
    `  data plane per HSM:   ${urls.hsmUri("{name}")}`,
    `  token endpoint:       ${urls.endpoint}/${directory.tenantId}/oauth2/v2.0/token`,
    `  storage:              ${databaseLocation ?? "in memory (nothing is kept)"}`,
    `  provisioning delay:   ${config.provisioningDelayMs} ms`,
    `  health:               ${urls.endpoint}/_emulator/health`,
  ];
  if (caFile) lines.push(`  CA certificate:       ${caFile}  (trust it: MHSM_CA_CERT=${caFile})`);
  else if (config.tls) lines.push(`  TLS certificate:      ${config.cert} (yours)`);
  else lines.push("  TLS:                  off (--no-tls): plain HTTP, for tests and proxies only");
  if (config.auth === "none") {
    lines.push("  auth:                 NONE (--auth none): no tokens, no role checks; every request acts as the default identity. Unsafe.");
  } else if (config.principalsFile) {
    lines.push(`  principals:           ${directory.principals.length} from ${config.principalsFile} (tenant ${directory.tenantId})`);
  } else {
    const p = directory.principals[0]!;
    lines.push(`  credentials:          tenant ${directory.tenantId}, client id ${p.clientId}, client secret ${p.clientSecret}, object id ${p.objectId}`);
  }
  return lines.join("\n");
}

function clockCommand(): Command {
  return new Command("clock")
    .description("Read the emulator's clock, or move it forward (emulator administrators only).")
    .option("--advance <duration>", "move emulated time forward, e.g. 90d, 12h, 30s; whatever expires is purged", durationOption)
    .addOption(outputOption())
    .action(
      action<CommonOptions & { advance?: number }>((o) => (o.advance !== undefined ? advanceEmulatorClock(Math.round(o.advance / 1000)) : getEmulatorClock()), {
        columns: [["Now", (c) => c.now]],
      }),
    );
}

export function emulatorCommand(): Command {
  const d = DEFAULT_CONFIG;
  return new Command("emulator")
    .addCommand(clockCommand())
    .description("Run the Managed HSM emulator in the foreground (Ctrl-C stops it).")
    .option("--port <port>", "port to listen on; 0 picks a free one", portOption, d.port)
    .option("--host <host>", "address to listen on", d.host)
    .option("--location <dir>", "folder for the emulator's database", d.location)
    .option("--in-memory", "keep nothing on disk (state is lost when the emulator stops)", false)
    .addOption(
      new Option("--provisioning-delay <duration>", "how long long-running operations take, e.g. 0, 500ms, 2s").argParser(durationOption).default(d.provisioningDelayMs, "2s"),
    )
    .option("--hsm-host-suffix <suffix>", "DNS suffix of data-plane hosts: {name}.<suffix>", d.hsmHostSuffix)
    .option("--auth <mode>", "token: bearer tokens and Azure's roles; none: no checks at all (unsafe)", authOption, d.auth)
    .option("--no-tls", "serve plain HTTP (for tests and proxies)")
    .option("--cert <file>", "your own TLS certificate (PEM); with --key")
    .option("--key <file>", "the private key of --cert (PEM)")
    .option("--principals <file>", "JSON file of the principals that may call the emulator (default: the built-in identity)")
    .addOption(new Option("--token-lifetime <duration>", "how long issued access tokens stay valid").argParser(durationOption).default(d.tokenLifetimeSeconds * 1000, "1h"))
    .option("--debug", "log every request with its body to stderr", false)
    .action(async (opts: EmulatorOptions) => {
      const config: EmulatorConfig = {
        ...d,
        port: opts.port,
        host: opts.host,
        location: opts.location,
        inMemory: opts.inMemory,
        provisioningDelayMs: opts.provisioningDelay,
        hsmHostSuffix: opts.hsmHostSuffix,
        debug: opts.debug,
        auth: opts.auth,
        tls: opts.tls,
        ...(opts.cert !== undefined ? { cert: opts.cert } : {}),
        ...(opts.key !== undefined ? { key: opts.key } : {}),
        ...(opts.principals !== undefined ? { principalsFile: opts.principals } : {}),
        tokenLifetimeSeconds: Math.max(1, Math.round(opts.tokenLifetime / 1000)),
      };
      const running = await startEmulator(config);
      process.stdout.write(`${banner(running)}\n`);
      const stop = (signal: string) => {
        process.stderr.write(`mhsm emulator: ${signal}, stopping\n`);
        running.close().then(
          () => process.exit(0),
          (err: unknown) => {
            process.stderr.write(`mhsm emulator: error while stopping: ${String(err)}\n`);
            process.exit(1);
          },
        );
      };
      process.once("SIGINT", () => stop("SIGINT"));
      process.once("SIGTERM", () => stop("SIGTERM"));
    });
}
