/**
 * Where things are reachable. The port is only known once the server listens (`--port 0` picks one), so
 * it is set then. Data-plane hosts are `{name}.{hsmHostSuffix}`, lower-cased as DNS names are.
 */
export class EmulatorUrls {
  port = 0;

  constructor(
    readonly scheme: "http" | "https",
    readonly host: string,
    readonly hsmHostSuffix: string,
  ) {}

  get endpoint(): string {
    const host = this.host.includes(":") ? `[${this.host}]` : this.host;
    return `${this.scheme}://${host}:${this.port}`;
  }

  /** The HSM's data-plane base, without a trailing slash (key ids are built on it). */
  hsmBase(name: string): string {
    return `${this.scheme}://${name.toLowerCase()}.${this.hsmHostSuffix}:${this.port}`;
  }

  /** The `hsmUri` property, which Azure writes with a trailing slash. */
  hsmUri(name: string): string {
    return `${this.hsmBase(name)}/`;
  }
}

/** Internal prefix under which data-plane routes are registered; see `routeByHost`. */
export const DATA_PLANE_PREFIX = "/_hsm";

/**
 * Maps a request to its plane by its Host header: `{name}.{suffix}[:port]` is that HSM's data plane and is
 * rewritten to `/_hsm/{name}{path}`; any other host is the control plane, where `/_hsm` itself is hidden.
 */
export function routeByHost(hostHeader: string | undefined, url: string, hsmHostSuffix: string): string {
  const host = (hostHeader ?? "").replace(/:\d+$/, "").toLowerCase();
  const suffix = `.${hsmHostSuffix.toLowerCase()}`;
  if (host.endsWith(suffix)) {
    const name = host.slice(0, -suffix.length);
    if (name && !name.includes(".")) return `${DATA_PLANE_PREFIX}/${name}${url}`;
  }
  if (url.toLowerCase().startsWith(`${DATA_PLANE_PREFIX}/`) || url.toLowerCase() === DATA_PLANE_PREFIX) return `/_not-found${url}`;
  return url;
}
