import { Command, InvalidArgumentError } from "commander";
import { DEFAULT_CONFIG, type EmulatorConfig } from "../../emulator/config";
import { type RunningEmulator, startEmulator } from "../../emulator/server";
import { parseDuration } from "./duration";

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

function banner(running: RunningEmulator): string {
  const { urls, config, databaseLocation } = running;
  return [
    `mhsm emulator listening on ${urls.endpoint}`,
    `  control plane (ARM):  ${urls.endpoint}/subscriptions/{subscriptionId}/...`,
    `  data plane per HSM:   ${urls.hsmUri("{name}")}`,
    `  storage:              ${databaseLocation ?? "in memory (nothing is kept)"}`,
    `  provisioning delay:   ${config.provisioningDelayMs} ms`,
    `  health:               ${urls.endpoint}/_emulator/health`,
  ].join("\n");
}

export function emulatorCommand(): Command {
  const d = DEFAULT_CONFIG;
  return new Command("emulator")
    .description("Run the Managed HSM emulator in the foreground (Ctrl-C stops it).")
    .option("--port <port>", "port to listen on; 0 picks a free one", portOption, d.port)
    .option("--host <host>", "address to listen on", d.host)
    .option("--location <dir>", "folder for the emulator's database", d.location)
    .option("--in-memory", "keep nothing on disk (state is lost when the emulator stops)", false)
    .option("--provisioning-delay <duration>", "how long long-running operations take, e.g. 0, 500ms, 2s", durationOption, d.provisioningDelayMs)
    .option("--hsm-host-suffix <suffix>", "DNS suffix of data-plane hosts: {name}.<suffix>", d.hsmHostSuffix)
    .option("--debug", "log every request with its body to stderr", false)
    .action(async (opts: { port: number; host: string; location: string; inMemory: boolean; provisioningDelay: number; hsmHostSuffix: string; debug: boolean }) => {
      const config: EmulatorConfig = {
        ...d,
        port: opts.port,
        host: opts.host,
        location: opts.location,
        inMemory: opts.inMemory,
        provisioningDelayMs: opts.provisioningDelay,
        hsmHostSuffix: opts.hsmHostSuffix,
        debug: opts.debug,
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
