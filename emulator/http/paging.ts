import type { FastifyRequest } from "fastify";
import { badRequest } from "../domain/errors";
import { query } from "./validate";

export interface Page {
  skip: number;
  top: number;
}

/**
 * Reads the page size (`$top` on ARM, `maxresults` on the data plane) and the continuation (`$skiptoken`)
 * that this emulator writes into its own `nextLink`s.
 */
export function readPage(request: FastifyRequest, sizeParam: "$top" | "maxresults", limits: { default: number; max: number }, code: string): Page {
  const rawTop = query(request, sizeParam);
  let top = limits.default;
  if (rawTop !== undefined) {
    top = Number(rawTop);
    if (!/^\d+$/.test(rawTop) || top < 1 || top > limits.max) {
      throw badRequest(`${sizeParam} must be a whole number from 1 to ${limits.max}, not '${rawTop}'.`, code);
    }
  }
  const rawSkip = query(request, "$skiptoken");
  let skip = 0;
  if (rawSkip !== undefined) {
    skip = Number(rawSkip);
    if (!/^\d+$/.test(rawSkip)) throw badRequest(`$skiptoken '${rawSkip}' is not a continuation this service issued.`, code);
  }
  return { skip, top };
}

/** The absolute URL of the next page, on the host the client used. */
export function nextLink(request: FastifyRequest, page: Page, more: boolean, sizeParam: "$top" | "maxresults"): string | undefined {
  if (!more) return undefined;
  const original = new URL(request.originalUrl ?? request.url, `${request.protocol}://${request.headers.host ?? "localhost"}`);
  // Written by hand rather than with URLSearchParams, which would encode `$` as %24 where Azure does not.
  const kept = original.search
    .slice(1)
    .split("&")
    .filter((pair) => pair !== "" && !/^(\$top|maxresults|\$skiptoken|%24top|%24skiptoken)=/i.test(pair));
  const query = [...kept, `${sizeParam}=${page.top}`, `$skiptoken=${page.skip + page.top}`].join("&");
  return `${original.origin}${original.pathname}?${query}`;
}
