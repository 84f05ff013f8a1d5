import path from "node:path";
import type { FastifyInstance } from "fastify";
import { describeZodError } from "../model/validation";
import { EmulatorConfig } from "./config";
import { EmulatorCore } from "./core";
import { buildApp } from "./http/app";
import { EmulatorUrls } from "./http/urls";
import { packageVersion } from "./version";

export interface RunningEmulator {
  config: EmulatorConfig;
  urls: EmulatorUrls;
  /** Where the database is, or undefined in memory. */
  databaseLocation: string | undefined;
  core: EmulatorCore;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** Opens storage, starts the HTTP server and the sweeper; resolves once requests are served. */
export async function startEmulator(input: EmulatorConfig): Promise<RunningEmulator> {
  const parsed = EmulatorConfig.safeParse(input);
  if (!parsed.success) throw new Error(`Invalid emulator settings: ${describeZodError(parsed.error)}`);
  const config = parsed.data;
  const databaseLocation = config.inMemory ? undefined : path.resolve(config.location);
  const core = EmulatorCore.open({ ...(databaseLocation ? { location: databaseLocation } : {}), provisioningDelayMs: config.provisioningDelayMs });
  const urls = new EmulatorUrls("http", config.host, config.hsmHostSuffix);
  const app = buildApp(core, { urls, logLevel: config.debug ? "debug" : "warn", version: packageVersion() });
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    core.close();
    throw err;
  }
  const address = app.server.address();
  urls.port = typeof address === "object" && address ? address.port : config.port;
  const sweeper = setInterval(() => {
    try {
      core.sweep();
    } catch (err) {
      app.log.error({ err }, "background sweep failed");
    }
  }, config.sweepIntervalMs);
  let closed = false;
  return {
    config,
    urls,
    databaseLocation,
    core,
    app,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweeper);
      await app.close();
      core.close();
    },
  };
}
