import type { AxiosInstance } from "axios";
import { z } from "zod";
import { AzureApiError } from "./errors";

const TokenResponse = z.object({ access_token: z.string(), expires_in: z.coerce.number() });
const TokenError = z.object({ error: z.string(), error_description: z.string().optional() });

export interface TokenSourceOptions {
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Refresh this long before expiry (capped at half the lifetime for short-lived tokens). */
  refreshMarginMs?: number;
  now?: () => number;
}

/** Client-credentials tokens per scope, cached until shortly before they expire. */
export class TokenSource {
  private readonly cache = new Map<string, { token: string; refreshAt: number }>();
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(
    private readonly http: AxiosInstance,
    private readonly options: TokenSourceOptions,
  ) {}

  async get(scope: string): Promise<string> {
    const now = (this.options.now ?? Date.now)();
    const cached = this.cache.get(scope);
    if (cached && now < cached.refreshAt) return cached.token;
    const pending = this.inflight.get(scope) ?? this.fetch(scope).finally(() => this.inflight.delete(scope));
    this.inflight.set(scope, pending);
    return pending;
  }

  /** Forgets a token the service refused, so the next request gets a fresh one. */
  invalidate(scope: string): void {
    this.cache.delete(scope);
  }

  private async fetch(scope: string): Promise<string> {
    const url = `${this.options.authorityHost}/${this.options.tenantId}/oauth2/v2.0/token`;
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: this.options.clientId, client_secret: this.options.clientSecret, scope });
    const res = await this.http.post(url, form.toString(), { headers: { "content-type": "application/x-www-form-urlencoded" }, validateStatus: () => true });
    if (res.status !== 200) {
      const err = TokenError.safeParse(res.data);
      throw new AzureApiError(res.status, err.success ? err.data.error : "TokenRequestFailed", err.success ? err.data.error_description ?? err.data.error : `token endpoint answered ${res.status}`, "POST", url);
    }
    const body = TokenResponse.parse(res.data);
    const lifetimeMs = body.expires_in * 1000;
    const margin = Math.min(this.options.refreshMarginMs ?? 5 * 60_000, lifetimeMs / 2);
    this.cache.set(scope, { token: body.access_token, refreshAt: (this.options.now ?? Date.now)() + lifetimeMs - margin });
    return body.access_token;
  }
}

/** The `oid` claim of a token: who the caller is, without another round trip. */
export function objectIdOf(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { oid?: unknown };
    return typeof payload.oid === "string" ? payload.oid : undefined;
  } catch {
    return undefined;
  }
}
