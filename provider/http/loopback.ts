import dns from "node:dns";
import type { LookupFunction } from "node:net";

/**
 * `*.localhost` names are loopback by definition (RFC 6761), but not every resolver says so. The project's
 * clients resolve them to 127.0.0.1 themselves, so the emulator's per-HSM hosts work with no DNS or
 * hosts-file change; every other name goes to the system resolver.
 */
export const loopbackLookup: LookupFunction = (hostname, options, callback) => {
  const host = hostname.toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) {
    if (options.all) {
      (callback as unknown as (err: null, addresses: { address: string; family: number }[]) => void)(null, [{ address: "127.0.0.1", family: 4 }]);
    } else {
      callback(null, "127.0.0.1", 4);
    }
    return;
  }
  dns.lookup(hostname, options, callback);
};
