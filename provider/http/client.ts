import http from "node:http";
import https from "node:https";
import tls from "node:tls";
import axios, { type AxiosInstance, type AxiosResponse, type Method } from "axios";
import { ArmErrorBody, DataPlaneErrorBody } from "../../model/errors";
import { MANAGED_HSM_AUDIENCE } from "../../model/roles";
import type { ProviderConfig } from "../config";
import { AzureApiError, AzureTransportError } from "./errors";
import { loopbackLookup } from "./loopback";
import { TokenSource } from "./token-source";

export type Plane = "control" | "data";

export const SCOPES: Record<Plane, string> = {
  control: "https://management.azure.com/.default",
  data: `${MANAGED_HSM_AUDIENCE}/.default`,
};

export interface ClientOptions {
  /** Retries after the first attempt, for 429, 5xx and connection failures. */
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Poll interval for long-running operations when the service sends no Retry-After. */
  pollIntervalMs?: number;
  /** Give up on a long-running operation after this long. */
  lroTimeoutMs?: number;
  /** Per-request timeout. */
  requestTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Called before each wait, so long operations can show progress. */
  onWait?: (event: { reason: "retry" | "poll"; delayMs: number; attempt: number; url: string; status?: number }) => void;
}

const RETRYABLE = new Set([408, 429, 500, 502, 503, 504]);
const RETRYABLE_NETWORK = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ECONNABORTED", "ENOTFOUND"]);

/** `Retry-After` in seconds or as an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(header: unknown, now = Date.now()): number | undefined {
  if (typeof header !== "string" || header.trim() === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Number(header) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * One HTTP client for both planes: bearer tokens per plane, retries with backoff that honour Retry-After,
 * long-running-operation polling, Azure's errors as AzureApiError, TLS that trusts the configured CA (and
 * never turns verification off), and `*.localhost` on loopback.
 */
export class AzureClient {
  readonly http: AxiosInstance;
  readonly tokens: TokenSource;
  private readonly o: Required<Omit<ClientOptions, "onWait">> & Pick<ClientOptions, "onWait">;

  constructor(
    readonly config: ProviderConfig,
    options: ClientOptions = {},
  ) {
    this.o = {
      maxRetries: options.maxRetries ?? 4,
      baseDelayMs: options.baseDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 30_000,
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      lroTimeoutMs: options.lroTimeoutMs ?? 60 * 60_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
      sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      onWait: options.onWait,
    };
    this.http = axios.create({
      httpAgent: new http.Agent({ keepAlive: true, lookup: loopbackLookup }),
      httpsAgent: new https.Agent({ keepAlive: true, lookup: loopbackLookup, ...(config.caCert ? { ca: [...tlsRootCas(), config.caCert] } : {}) }),
      validateStatus: () => true,
      maxRedirects: 0,
      timeout: this.o.requestTimeoutMs,
      proxy: false,
    });
    this.tokens = new TokenSource(this.http, config);
  }

  /** Closes kept-alive connections, so a process can exit. */
  close(): void {
    (this.http.defaults.httpAgent as http.Agent).destroy();
    (this.http.defaults.httpsAgent as https.Agent).destroy();
  }

  controlUrl(path: string, apiVersion: string): string {
    return `${this.config.endpoint}${path}${path.includes("?") ? "&" : "?"}api-version=${apiVersion}`;
  }

  /** Sends a request and returns a 2xx response; anything else is thrown as AzureApiError. */
  async send(plane: Plane, method: Method, url: string, body?: unknown): Promise<AxiosResponse> {
    let refreshedToken = false;
    for (let attempt = 0; ; attempt++) {
      const token = await this.tokens.get(SCOPES[plane]);
      let res: AxiosResponse;
      try {
        res = await this.http.request({ method, url, data: body, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) } });
      } catch (err) {
        const code = (err as { code?: string }).code ?? "";
        if (attempt < this.o.maxRetries && RETRYABLE_NETWORK.has(code)) {
          await this.wait("retry", this.backoff(attempt), attempt, url);
          continue;
        }
        throw new AzureTransportError(`Can't reach ${new URL(url).origin} (${method} ${new URL(url).pathname}): ${(err as Error).message}${hintFor(code, (err as Error).message)}`, err);
      }
      if (res.status === 401 && !refreshedToken) {
        // A token the service no longer accepts (expired early, or the emulator restarted with another key).
        refreshedToken = true;
        this.tokens.invalidate(SCOPES[plane]);
        attempt--;
        continue;
      }
      if (RETRYABLE.has(res.status) && attempt < this.o.maxRetries) {
        await this.wait("retry", retryAfterMs(res.headers["retry-after"]) ?? this.backoff(attempt), attempt, url, res.status);
        continue;
      }
      if (res.status >= 200 && res.status < 300) return res;
      throw toApiError(res, method, url);
    }
  }

  /**
   * A long-running operation: sends it, then follows `Azure-AsyncOperation` or `Location` until it ends.
   * PUT and PATCH end with a GET of the resource, as Azure's own pollers do.
   */
  async lro(plane: Plane, method: Method, url: string, body?: unknown): Promise<AxiosResponse> {
    const first = await this.send(plane, method, url, body);
    if (first.status !== 201 && first.status !== 202) return first;
    const monitor = header(first, "azure-asyncoperation") ?? header(first, "location");
    if (!monitor) return first;
    const deadline = Date.now() + this.o.lroTimeoutMs;
    let current = first;
    for (let polls = 0; ; polls++) {
      if (Date.now() > deadline) throw new AzureTransportError(`The operation ${method} ${new URL(url).pathname} did not finish within ${Math.round(this.o.lroTimeoutMs / 1000)} s.`);
      await this.wait("poll", retryAfterMs(current.headers["retry-after"]) ?? this.o.pollIntervalMs, polls, monitor);
      current = await this.send(plane, "GET", monitor);
      const status = operationStatus(current);
      if (status === "Failed" || status === "Canceled") {
        const error = (current.data as { error?: { code?: string; message?: string } })?.error;
        throw new AzureApiError(current.status, error?.code ?? "OperationFailed", error?.message ?? `The operation ended as ${status}.`, method, url);
      }
      if (current.status !== 202 && status !== "InProgress") break;
    }
    if (method === "PUT" || method === "PATCH") return this.send(plane, "GET", url);
    return current;
  }

  private backoff(attempt: number): number {
    const exp = this.o.baseDelayMs * 2 ** attempt;
    return Math.min(this.o.maxDelayMs, exp / 2 + Math.random() * (exp / 2));
  }

  private async wait(reason: "retry" | "poll", delayMs: number, attempt: number, url: string, status?: number): Promise<void> {
    const ms = Math.min(delayMs, this.o.maxDelayMs);
    this.o.onWait?.({ reason, delayMs: ms, attempt, url, ...(status !== undefined ? { status } : {}) });
    await this.o.sleep(ms);
  }
}

function header(res: AxiosResponse, name: string): string | undefined {
  const value = res.headers[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The status of an operation-status body or a resource's provisioningState, when the body has one. */
function operationStatus(res: AxiosResponse): string | undefined {
  const data = res.data as { status?: unknown; properties?: { provisioningState?: unknown } } | undefined;
  if (data && typeof data.status === "string") return data.status;
  if (data?.properties && typeof data.properties.provisioningState === "string") {
    const state = data.properties.provisioningState;
    return state === "Failed" || state === "Canceled" ? state : undefined;
  }
  return undefined;
}

function toApiError(res: AxiosResponse, method: string, url: string): AzureApiError {
  const arm = ArmErrorBody.safeParse(res.data);
  if (arm.success) {
    const kv = DataPlaneErrorBody.safeParse(res.data);
    return new AzureApiError(res.status, arm.data.error.code, arm.data.error.message, method, url, kv.success ? kv.data.error.innererror?.code : undefined);
  }
  const text = typeof res.data === "string" && res.data !== "" ? res.data.slice(0, 300) : res.statusText || "no body";
  return new AzureApiError(res.status, `Http${res.status}`, text, method, url);
}

function hintFor(code: string, message: string): string {
  if (/self[- ]signed|unable to verify|UNABLE_TO_VERIFY|DEPTH_ZERO/i.test(`${code} ${message}`)) {
    return ". The server's certificate is not trusted: set MHSM_CA_CERT (or stack config mhsm:caCert) to the emulator's CA file, which `mhsm emulator` prints.";
  }
  if (code === "ECONNREFUSED") return ". Is the emulator running (`mhsm emulator`), and is MHSM_ENDPOINT right?";
  return "";
}

/** The system's roots, kept when a CA is added (an https.Agent `ca` replaces them otherwise). */
function tlsRootCas(): string[] {
  return [...tls.rootCertificates];
}
