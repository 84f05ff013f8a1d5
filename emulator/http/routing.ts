import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from "fastify";
import { CONTROL_PLANE_API_VERSIONS, DATA_PLANE_API_VERSIONS, type Plane } from "../../model/api-versions";
import { badRequest } from "../domain/errors";
import { DATA_PLANE_PREFIX } from "./urls";
import { sendError } from "./errors";
import { query } from "./validate";

/**
 * What each route declares about itself: its plane (which decides error shapes and api-versions) and the
 * Azure action it performs, which the authorization hook checks in one place before any handler runs.
 */
export interface RouteConfig {
  plane: Plane | "management";
  /** Azure RBAC action (control plane) or data action (data plane) this route needs. */
  action?: string;
  /** Served without a token: readiness and the token endpoint itself. */
  public?: boolean;
  /** Only for principals marked as emulator administrators. */
  adminOnly?: boolean;
  /** The scope the action applies to; by default the request's path (right for ARM). */
  scope?: (request: FastifyRequest) => string;
  /** api-versions of a resource provider other than Microsoft.KeyVault (Microsoft.Authorization). */
  apiVersions?: readonly string[];
}

export type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown> | unknown;

export interface RouteSpec {
  method: Exclude<HTTPMethods, "HEAD" | "OPTIONS">;
  url: string;
  config: RouteConfig;
  handler: Handler;
}

const METHODS = ["GET", "PUT", "PATCH", "POST", "DELETE"] as const;

export function planeOf(request: FastifyRequest): Plane | "management" {
  const config = request.routeOptions?.config as Partial<RouteConfig> | undefined;
  if (config?.plane) return config.plane;
  return request.url.startsWith(`${DATA_PLANE_PREFIX}/`) ? "data" : "control";
}

export function routeConfig(request: FastifyRequest): RouteConfig | undefined {
  const config = request.routeOptions?.config as Partial<RouteConfig> | undefined;
  return config?.plane ? (config as RouteConfig) : undefined;
}

/** Registers routes, and answers 405 for the other methods on each of their paths, as Azure does. */
export function registerRoutes(app: FastifyInstance, routes: readonly RouteSpec[]): void {
  const methodsByUrl = new Map<string, { config: RouteConfig; methods: Set<string> }>();
  for (const route of routes) {
    app.route({ method: route.method, url: route.url, config: route.config, handler: route.handler });
    const entry = methodsByUrl.get(route.url) ?? { config: route.config, methods: new Set<string>() };
    entry.methods.add(route.method);
    methodsByUrl.set(route.url, entry);
  }
  for (const [url, { config, methods }] of methodsByUrl) {
    const missing = METHODS.filter((m) => !methods.has(m));
    if (missing.length === 0) continue;
    const allowed = [...methods].join(", ");
    app.route({
      method: missing,
      url,
      config: { plane: config.plane },
      handler: (request, reply) =>
        sendError(request, reply.header("Allow", allowed), 405, "MethodNotAllowed", `The requested resource does not support http method '${request.method}'; it supports ${allowed}.`),
    });
  }
}

/** api-version is required on both planes and must be one the emulator knows. */
export function checkApiVersion(request: FastifyRequest): void {
  const config = routeConfig(request);
  if (!config || config.plane === "management") return;
  const version = query(request, "api-version");
  const known = config.apiVersions ?? (config.plane === "control" ? CONTROL_PLANE_API_VERSIONS : DATA_PLANE_API_VERSIONS);
  if (config.plane === "control") {
    if (version === undefined) {
      throw badRequest("The api-version query parameter (?api-version=) is required for all requests.", "MissingApiVersionParameter");
    }
    if (!known.includes(version)) {
      throw badRequest(
        `The resource type could not be found for api-version '${version}'. The supported api-versions are '${known.join(", ")}'.`,
        "InvalidApiVersionParameter",
      );
    }
    return;
  }
  if (version === undefined) throw badRequest("The api-version query parameter is required; use one of " + known.join(", ") + ".", "BadParameter");
  if (!known.includes(version)) {
    throw badRequest(`The specified version (${version}) is not recognized. The supported versions are ${known.join(", ")}.`, "BadParameter");
  }
}
