import fs from "node:fs";
import { z } from "zod";
import { Guid } from "../model/managed-hsm";
import { DEFAULT_IDENTITY } from "../model/roles";
import { describeZodError } from "../model/validation";

/**
 * Where the provider and the CLI send requests, and as whom. Stack config (`mhsm:*`) wins, then the
 * environment (`MHSM_*`), then defaults that point at a local emulator with its default identity.
 */
export const ProviderConfig = z.object({
  endpoint: z.url({ message: "must be a URL such as https://127.0.0.1:8443" }),
  /** Where tokens come from; the emulator serves both, so it defaults to the endpoint. */
  authorityHost: z.url({ message: "must be a URL" }),
  subscriptionId: Guid,
  tenantId: Guid,
  clientId: z.string().min(1, "must not be empty"),
  clientSecret: z.string().min(1, "must not be empty"),
  /** PEM of the CA to trust, in addition to the system's. */
  caCert: z.string().optional(),
  /** DNS suffix of HSM data-plane hosts; derived from the endpoint when absent. */
  hsmHostSuffix: z.string().optional(),
});
export type ProviderConfig = z.infer<typeof ProviderConfig>;

export const DEFAULT_ENDPOINT = "https://127.0.0.1:8443";
export const DEFAULT_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000";

/** The settings, by their stack-config key (without `mhsm:`) and environment variable. */
export const SETTINGS = [
  { key: "endpoint", env: "MHSM_ENDPOINT" },
  { key: "authorityHost", env: "MHSM_AUTHORITY_HOST" },
  { key: "subscriptionId", env: "MHSM_SUBSCRIPTION_ID" },
  { key: "tenantId", env: "MHSM_TENANT_ID" },
  { key: "clientId", env: "MHSM_CLIENT_ID" },
  { key: "clientSecret", env: "MHSM_CLIENT_SECRET" },
  { key: "caCert", env: "MHSM_CA_CERT" },
  { key: "hsmHostSuffix", env: "MHSM_HSM_HOST_SUFFIX" },
] as const;

/** A CA given as a file path or as PEM text. */
function readCa(value: string): string {
  if (value.includes("-----BEGIN")) return value;
  try {
    return fs.readFileSync(value, "utf8");
  } catch (err) {
    throw new Error(`caCert: can't read the CA file '${value}': ${(err as Error).message}`);
  }
}

export function resolveConfig(stack: (key: string) => string | undefined = () => undefined, env: NodeJS.ProcessEnv = process.env): ProviderConfig {
  const value = (key: (typeof SETTINGS)[number]["key"]) => {
    const setting = SETTINGS.find((s) => s.key === key)!;
    const v = stack(`mhsm:${key}`) ?? env[setting.env];
    return v === "" ? undefined : v;
  };
  const endpoint = (value("endpoint") ?? DEFAULT_ENDPOINT).replace(/\/+$/, "");
  const ca = value("caCert");
  const raw = {
    endpoint,
    authorityHost: (value("authorityHost") ?? endpoint).replace(/\/+$/, ""),
    subscriptionId: value("subscriptionId") ?? DEFAULT_SUBSCRIPTION_ID,
    tenantId: value("tenantId") ?? DEFAULT_IDENTITY.tenantId,
    clientId: value("clientId") ?? DEFAULT_IDENTITY.clientId,
    clientSecret: value("clientSecret") ?? DEFAULT_IDENTITY.clientSecret,
    ...(ca !== undefined ? { caCert: readCa(ca) } : {}),
    ...(value("hsmHostSuffix") !== undefined ? { hsmHostSuffix: value("hsmHostSuffix") } : {}),
  };
  const parsed = ProviderConfig.safeParse(raw);
  if (!parsed.success) throw new Error(`Invalid mhsm configuration: ${describeZodError(parsed.error)} (stack config mhsm:* or MHSM_* environment variables)`);
  return parsed.data;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/**
 * An HSM's data-plane URI from its name, as the Azure CLI derives it: `https://{name}.managedhsm.azure.net/`
 * in Azure; `{scheme}://{name}.managedhsm.localhost:{port}/` when the endpoint is an emulator on loopback.
 */
export function hsmUriFor(config: ProviderConfig, name: string): string {
  const endpoint = new URL(config.endpoint);
  const local = LOOPBACK.has(endpoint.hostname);
  const suffix = config.hsmHostSuffix ?? (local ? "managedhsm.localhost" : "managedhsm.azure.net");
  const port = local && endpoint.port ? `:${endpoint.port}` : "";
  return `${local ? endpoint.protocol : "https:"}//${name.toLowerCase()}.${suffix}${port}/`;
}
