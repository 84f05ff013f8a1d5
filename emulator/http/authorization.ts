import type { FastifyReply, FastifyRequest } from "fastify";
import { ARM_AUDIENCES, MANAGED_HSM_AUDIENCE } from "../../model/roles";
import { rolesGranting } from "../domain/access";
import type { Directory, Principal } from "../identity/principals";
import type { TokenIssuer, VerifyFailure } from "../identity/tokens";
import type { AccessService } from "../services/access-service";
import { type RouteConfig, planeOf } from "./routing";
import type { EmulatorUrls } from "./urls";

declare module "fastify" {
  interface FastifyRequest {
    /** Who is calling, once the authorizer has run. */
    principal?: Principal;
  }
}

/** A refusal the authorizer answers itself (401 or 403) before any handler runs. */
export class AccessDenied extends Error {
  constructor(
    readonly status: 401 | 403,
    readonly code: string,
    message: string,
    readonly challenge?: string,
  ) {
    super(message);
  }
}

/**
 * The one place where a caller's identity and roles are checked. Every route declares its plane, its action
 * and (on the data plane) its scope; this decides.
 */
export interface Authorizer {
  authorize(request: FastifyRequest, route: RouteConfig): void | Promise<void>;
}

/** `--auth none`: no tokens and no role checks; every request acts as the default identity. */
export class NoAuth implements Authorizer {
  constructor(private readonly directory: Directory) {}

  authorize(request: FastifyRequest): void {
    request.principal = this.directory.principals[0];
  }
}

const FAILURE_CODES: Record<VerifyFailure, string> = {
  malformed: "InvalidAuthenticationToken",
  expired: "ExpiredAuthenticationToken",
  signature: "InvalidAuthenticationToken",
  audience: "InvalidAuthenticationTokenAudience",
};

/** Bearer tokens from the emulator's token endpoint, and Azure's role model on both planes. */
export class TokenAuthorizer implements Authorizer {
  constructor(
    private readonly directory: Directory,
    private readonly tokens: TokenIssuer,
    private readonly access: AccessService,
    private readonly urls: EmulatorUrls,
    /** Whether an HSM's data plane answers; for one that doesn't, the handler's 404 is the truthful answer. */
    private readonly dataPlaneReachable: (hsmName: string) => boolean,
  ) {}

  /** What a data-plane 401 names, so Azure's key client can find the authority and the resource. */
  dataChallenge(): string {
    return `Bearer authorization="${this.urls.endpoint}/${this.directory.tenantId}", resource="https://${this.urls.hsmHostSuffix}"`;
  }

  private controlChallenge(description: string): string {
    return `Bearer authorization_uri="${this.urls.endpoint}/${this.directory.tenantId}", error="invalid_token", error_description="${description.replace(/"/g, "'")}"`;
  }

  async authorize(request: FastifyRequest, route: RouteConfig): Promise<void> {
    if (route.public) return;
    const data = route.plane === "data";
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) {
      const message = "Authentication failed. The 'Authorization' header is missing or is not a Bearer token.";
      throw new AccessDenied(401, "AuthenticationFailed", message, data ? this.dataChallenge() : this.controlChallenge(message));
    }
    const audiences = data ? [MANAGED_HSM_AUDIENCE, `https://${this.urls.hsmHostSuffix}`] : [...ARM_AUDIENCES, ...ARM_AUDIENCES.map((a) => `${a}/`)];
    const verified = await this.tokens.verify(match[1]!, audiences);
    if ("failure" in verified) {
      const message = `The access token is not valid here: ${verified.detail}.`;
      throw new AccessDenied(401, FAILURE_CODES[verified.failure], message, data ? this.dataChallenge() : this.controlChallenge(message));
    }
    const principal = this.directory.principals.find((p) => p.objectId.toLowerCase() === verified.claims.oid.toLowerCase());
    if (!principal || verified.claims.tid.toLowerCase() !== this.directory.tenantId.toLowerCase()) {
      const message = "The access token names a principal this emulator does not know.";
      throw new AccessDenied(401, "InvalidAuthenticationToken", message, data ? this.dataChallenge() : this.controlChallenge(message));
    }
    request.principal = principal;
    this.checkRole(request, route, principal);
  }

  private checkRole(request: FastifyRequest, route: RouteConfig, principal: Principal): void {
    const action = route.action;
    if (route.plane === "management") {
      if (route.adminOnly && !principal.emulatorAdmin) {
        throw new AccessDenied(403, "Forbidden", `Only emulator administrators may use ${request.method} ${request.url.split("?")[0]}; '${principal.displayName}' is not one (set emulatorAdmin in the principals file).`);
      }
      return;
    }
    if (!action) return;
    const scope = route.scope ? route.scope(request) : request.url.split("?")[0]!;
    if (route.plane === "control") {
      if (this.access.controlAllowed(principal.objectId, action, scope)) return;
      throw new AccessDenied(
        403,
        "AuthorizationFailed",
        `The client '${principal.clientId}' with object id '${principal.objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. Roles that grant it: ${rolesGranting("control", action).join(", ")}.`,
      );
    }
    const hsmName = hsmOf(request);
    if (!this.dataPlaneReachable(hsmName)) return;
    if (this.access.dataAllowed(hsmName, principal.objectId, action, scope)) return;
    throw new AccessDenied(
      403,
      "Forbidden",
      `Operation not allowed: caller '${principal.objectId}' does not have permission to perform '${action}' at scope '${scope}' of the managed HSM '${hsmName}'. Roles that grant it: ${rolesGranting("data", action).join(", ") || "none of the built-in roles"}.`,
    );
  }
}

export function hsmOf(request: FastifyRequest): string {
  return (request.params as Record<string, string | undefined>).hsm ?? "";
}

/** Answers an AccessDenied in the plane's shape: an empty 401 with a challenge on the data plane, as Key Vault does. */
export function sendAccessDenied(request: FastifyRequest, reply: FastifyReply, denied: AccessDenied, send: (status: number, code: string, message: string, inner?: string) => FastifyReply): FastifyReply {
  if (denied.challenge) reply.header("WWW-Authenticate", denied.challenge);
  if (denied.status === 401 && planeOf(request) === "data") return reply.code(401).send();
  return send(denied.status, denied.code, denied.message, denied.status === 403 && planeOf(request) === "data" ? "AccessDenied" : undefined);
}
