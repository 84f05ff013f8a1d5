import { ManagedHsmApi } from "./api/managed-hsms";
import { KeysApi } from "./api/keys";
import { LocalRbacApi } from "./api/local-rbac";
import { type ProviderConfig, resolveConfig } from "./config";
import { AzureClient, type ClientOptions, SCOPES } from "./http/client";
import { objectIdOf } from "./http/token-source";

/** What every resource operation needs: the configuration, one HTTP client, and the typed APIs. */
export interface ProviderContext {
  config: ProviderConfig;
  client: AzureClient;
  hsms: ManagedHsmApi;
  keys(hsmUri: string): KeysApi;
  rbac(hsmUri: string): LocalRbacApi;
  /** The caller's object id, from its control-plane token. */
  callerObjectId(): Promise<string | undefined>;
}

export function createContext(config: ProviderConfig, options?: ClientOptions): ProviderContext {
  const client = new AzureClient(config, options);
  return {
    config,
    client,
    hsms: new ManagedHsmApi(client),
    keys: (hsmUri) => new KeysApi(client, hsmUri),
    rbac: (hsmUri) => new LocalRbacApi(client, hsmUri),
    callerObjectId: async () => objectIdOf(await client.tokens.get(SCOPES.control)),
  };
}

/** Configuration from a `configure` request (stack config `mhsm:*`), or from the environment when none came. */
export function contextFrom(get?: (key: string) => string | undefined): ProviderContext {
  return createContext(resolveConfig(get));
}
