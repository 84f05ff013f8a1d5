import http from "node:http";
import https from "node:https";
import { loopbackLookup } from "../../provider/http/loopback";

// Test-only: bodies are checked with matchers, so they default to any rather than being cast at every use.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface HttpResponse<T = any> {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  body: T;
}

export interface RequestOptions {
  body?: unknown;
  /** Raw bytes to send instead of JSON. */
  raw?: string | Buffer;
  headers?: Record<string, string>;
  /** PEM of the CA to trust for https URLs. */
  ca?: string;
  /** A bearer token to send. */
  token?: string;
}

/** A bare HTTP client for tests: no retries, no parsing beyond JSON, `*.localhost` reached on loopback. */
export function request<T = any>(method: string, url: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
  const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string> = {
    ...(payload !== undefined && options.raw === undefined ? { "content-type": "application/json" } : {}),
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...options.headers,
  };
  const secure = url.startsWith("https:");
  return new Promise((resolve, reject) => {
    const send = secure ? https.request : http.request;
    const req = send(url, { method, headers, lookup: loopbackLookup, agent: false, ...(secure && options.ca ? { ca: options.ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown = undefined;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = text;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: body as T });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
