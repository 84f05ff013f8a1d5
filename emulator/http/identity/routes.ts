import { exportJWK } from "jose";
import type { Directory } from "../../identity/principals";
import { grant } from "../../identity/token-endpoint";
import type { TokenIssuer } from "../../identity/tokens";
import type { RouteSpec } from "../routing";
import type { EmulatorUrls } from "../urls";
import { param } from "../validate";

/** The emulator's token endpoint (Azure AD v2 client-credentials), with its discovery documents. */
export function identityRoutes(directory: Directory, tokens: TokenIssuer, urls: EmulatorUrls): RouteSpec[] {
  const open = { plane: "management" as const, public: true };
  return [
    {
      method: "POST",
      url: "/:tenantId/oauth2/v2.0/token",
      config: open,
      handler: async (request, reply) => {
        const form = (typeof request.body === "object" && request.body !== null ? request.body : {}) as Record<string, string | undefined>;
        const result = grant(directory, param(request.params, "tenantId"), form, urls.hsmHostSuffix);
        if ("failure" in result) {
          const f = result.failure;
          return reply.code(f.status).send({ error: f.error, error_description: f.description, error_codes: [f.code], timestamp: new Date().toISOString() });
        }
        const accessToken = await tokens.issue(result.principal, directory.tenantId, result.audience);
        return { token_type: "Bearer", expires_in: tokens.lifetime, ext_expires_in: tokens.lifetime, access_token: accessToken };
      },
    },
    {
      method: "GET",
      url: "/:tenantId/v2.0/.well-known/openid-configuration",
      config: open,
      handler: (request) => {
        const base = `${urls.endpoint}/${param(request.params, "tenantId")}`;
        return {
          issuer: `${base}/v2.0`,
          token_endpoint: `${base}/oauth2/v2.0/token`,
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          jwks_uri: `${base}/discovery/v2.0/keys`,
          token_endpoint_auth_methods_supported: ["client_secret_post"],
          grant_types_supported: ["client_credentials"],
          response_types_supported: ["token"],
          id_token_signing_alg_values_supported: ["RS256"],
          subject_types_supported: ["pairwise"],
          tenant_region_scope: "EU",
        };
      },
    },
    {
      method: "GET",
      url: "/:tenantId/discovery/v2.0/keys",
      config: open,
      handler: async () => ({ keys: [{ ...(await exportJWK(await tokens.publicKeyObject())), kid: tokens.keyId, use: "sig", alg: "RS256" }] }),
    },
  ];
}
