import path from "node:path";
import type { FastifyInstance } from "fastify";
import { describeZodError } from "../model/validation";
import { EmulatorConfig } from "./config";
import { EmulatorCore } from "./core";
import { buildApp } from "./http/app";
import { type Authorizer, NoAuth, TokenAuthorizer } from "./http/authorization";
import { EmulatorUrls } from "./http/urls";
import { type Directory, loadDirectory } from "./identity/principals";
import { TokenIssuer } from "./identity/tokens";
import type { TlsMaterial } from "./transport/tls";
import { packageVersion } from "./version";

export interface RunningEmulator {
  config: EmulatorConfig;
  urls: EmulatorUrls;
  /** Where the database is, or undefined in memory. */
  databaseLocation: string | undefined;
  /** The CA file clients must trust, when the emulator made its own certificate. */
  caFile: string | undefined;
  directory: Directory;
  core: EmulatorCore;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** Opens storage, identity and TLS, starts the HTTP server and the sweeper; resolves once requests are served. */
export async function startEmulator(input: EmulatorConfig): Promise<RunningEmulator> {
  const parsed = EmulatorConfig.safeParse(input);
  if (!parsed.success) throw new Error(`Invalid emulator settings: ${describeZodError(parsed.error)}`);
  const config = parsed.data;
  const folder = path.resolve(config.location);
  const databaseLocation = config.inMemory ? undefined : folder;
  const directory = loadDirectory(config.principalsFile);

  let tls: TlsMaterial | undefined;
  if (config.tls) {
    // Loaded only when needed: the X.509 library is the largest part of a cold start.
    const { loadOrCreateTls, loadUserTls } = await import("./transport/tls");
    tls = config.cert && config.key ? loadUserTls(config.cert, config.key) : await loadOrCreateTls(folder, config.hsmHostSuffix, config.host);
  }

  const urls = new EmulatorUrls(tls ? "https" : "http", config.host, config.hsmHostSuffix);
  // In memory, the signing key lives only as long as the process, like everything else.
  const tokens = await TokenIssuer.open({ folder: databaseLocation, issuerBase: urls.endpoint, lifetimeSeconds: config.tokenLifetimeSeconds });
  const core = EmulatorCore.open({ ...(databaseLocation ? { location: databaseLocation } : {}), provisioningDelayMs: config.provisioningDelayMs });
  core.access.seed(directory);
  const authorizer: Authorizer = config.auth === "none" ? new NoAuth(directory) : new TokenAuthorizer(directory, tokens, core.access, urls, (name) => {
          try {
            core.hsms.openDataPlane(name);
            return true;
          } catch {
            return false;
          }
        });
  const app = buildApp(core, {
    urls,
    logLevel: config.debug ? "debug" : "warn",
    version: packageVersion(),
    authorizer,
    directory,
    tokens,
    ...(tls ? { https: { key: tls.key, cert: tls.cert } } : {}),
  });
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
    caFile: tls?.caFile,
    directory,
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
