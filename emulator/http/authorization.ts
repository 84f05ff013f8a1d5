import type { FastifyRequest } from "fastify";
import type { RouteConfig } from "./routing";

/**
 * The one place where a caller's identity and roles are checked before an operation runs. Every route
 * declares its plane and action; the authorizer decides. Until tokens and roles land, every caller is
 * allowed.
 */
export interface Authorizer {
  authorize(request: FastifyRequest, route: RouteConfig): void | Promise<void>;
}

export const allowEveryone: Authorizer = {
  authorize() {},
};
