import Fastify, { type FastifyInstance } from "fastify";
import { MAX_BODY_BYTES } from "../../model/limits";
import type { EmulatorCore } from "../core";
import type { Authorizer } from "./authorization";
import type { Directory } from "../identity/principals";
import type { TokenIssuer } from "../identity/tokens";
import { controlRoleAssignmentRoutes } from "./control-plane/role-assignments";
import { dataRoleAssignmentRoutes } from "./data-plane/role-assignments";
import { identityRoutes } from "./identity/routes";
import { deletedManagedHsmRoutes } from "./control-plane/deleted-managed-hsms";
import { managedHsmRoutes } from "./control-plane/managed-hsms";
import { keyRoutes } from "./data-plane/keys";
import { handleError, sendError } from "./errors";
import { managementRoutes } from "./management/routes";
import { checkApiVersion, registerRoutes, routeConfig } from "./routing";
import { type EmulatorUrls, routeByHost } from "./urls";

export interface AppOptions {
  urls: EmulatorUrls;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
  version: string;
  authorizer: Authorizer;
  directory: Directory;
  tokens: TokenIssuer;
  https?: { key: string; cert: string };
}

/** The emulator's one HTTP server: control plane, every HSM's data plane (by Host header), and /_emulator. */
export function buildApp(core: EmulatorCore, options: AppOptions): FastifyInstance {
  const { urls } = options;
  const { authorizer } = options;
  const app = Fastify({
    // Request logs are at info level, so the default (warn) is quiet; logs go to stderr, stdout is the banner's.
    logger: { level: options.logLevel, redact: ["req.headers.authorization"], stream: process.stderr },
    bodyLimit: MAX_BODY_BYTES,
    ...(options.https ? { https: options.https } : {}),
    // Azure's RBAC clients write the root scope as `//providers/...`.
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 1024 },
    // Malformed URLs and over-long path segments are refused before routing; answer them in Azure's shape too.
    frameworkErrors: (error, request, reply) =>
      sendError(request, reply, 400, request.url.startsWith("/_hsm/") ? "BadParameter" : "BadRequest", `The request URL is invalid: ${error.message}`),
    rewriteUrl: (req) => routeByHost(req.headers.host, req.url ?? "/", urls.hsmHostSuffix),
  });

  // Azure's clients send `Content-Type: application/json` with an empty body on some POSTs (recover, rotate).
  app.removeContentTypeParser("application/json");
  // Azure's APIs take JSON only; other media types get 415.
  app.removeContentTypeParser("text/plain");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    if (text.trim() === "") return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      const error = new Error(`${(err as Error).message}`) as Error & { code: string; statusCode: number };
      error.code = "FST_ERR_CTP_INVALID_JSON_BODY";
      error.statusCode = 400;
      done(error, undefined);
    }
  });

  // The token endpoint takes a form, as Azure AD's does.
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(typeof body === "string" ? body : body.toString("utf8"))));
  });

  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, 404, "NotFound", `No API at ${request.method} ${request.originalUrl ?? request.url} in this emulator.`),
  );

  // Who is calling is decided before the body is even read: nothing runs for a caller who may not.
  app.addHook("onRequest", async (request) => {
    const route = routeConfig(request);
    if (route) await authorizer.authorize(request, route);
  });
  app.addHook("preHandler", async (request) => {
    if (options.logLevel === "debug" && request.body !== undefined) request.log.debug({ body: request.body }, "request body");
    checkApiVersion(request);
  });

  registerRoutes(app, [
    ...managementRoutes(core, options.version),
    ...managedHsmRoutes(core.hsms, urls),
    ...deletedManagedHsmRoutes(core.hsms, urls),
    ...keyRoutes(core.keys, urls),
    ...controlRoleAssignmentRoutes(core.access),
    ...dataRoleAssignmentRoutes(core.access, core.hsms),
    ...identityRoutes(options.directory, options.tokens, urls),
  ]);
  return app;
}
