import { ARM_AUDIENCES, MANAGED_HSM_AUDIENCE } from "../../model/roles";
import type { Directory, Principal } from "./principals";

/** An Azure AD error, as the token endpoint answers it. */
export interface TokenError {
  status: 400 | 401;
  error: "invalid_request" | "unsupported_grant_type" | "invalid_client" | "unauthorized_client" | "invalid_scope";
  code: number;
  description: string;
}

export type TokenGrant = { principal: Principal; audience: string } | { failure: TokenError };

/**
 * The client-credentials grant: which principal asks, for which audience. The scope decides the audience:
 * ARM (`https://management.azure.com/.default`) or the data plane (`https://managedhsm.azure.net/.default`,
 * or the emulator's own `https://{hsm-host-suffix}/.default`, which Azure's key client asks for after a
 * challenge).
 */
export function grant(directory: Directory, tenantId: string, form: Record<string, string | undefined>, hsmHostSuffix: string): TokenGrant {
  const fail = (status: 400 | 401, error: TokenError["error"], code: number, description: string): TokenGrant => ({
    failure: { status, error, code, description: `AADSTS${code}: ${description}` },
  });
  if (tenantId.toLowerCase() !== directory.tenantId.toLowerCase()) {
    return fail(400, "invalid_request", 90002, `Tenant '${tenantId}' not found. This emulator's tenant is '${directory.tenantId}'.`);
  }
  if (form.grant_type !== "client_credentials") {
    return fail(400, "unsupported_grant_type", 70003, `The grant type '${form.grant_type ?? ""}' is not supported; use client_credentials.`);
  }
  if (!form.client_id) return fail(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
  const principal = directory.principals.find((p) => p.clientId === form.client_id);
  if (!principal) return fail(400, "unauthorized_client", 700016, `Application with identifier '${form.client_id}' was not found in the directory '${directory.tenantId}'.`);
  if (form.client_secret !== principal.clientSecret) {
    return fail(401, "invalid_client", 7000215, `Invalid client secret provided for application '${principal.clientId}'.`);
  }
  const scope = (form.scope ?? "").trim();
  const resource = scope.replace(/\/\.default$/, "").replace(/\/$/, "");
  const known = [...ARM_AUDIENCES, MANAGED_HSM_AUDIENCE, `https://${hsmHostSuffix}`];
  if (!scope.endsWith("/.default") || !known.includes(resource as never)) {
    return fail(400, "invalid_scope", 70011, `The provided value for scope '${scope}' is not valid; use one of ${known.map((k) => `${k}/.default`).join(", ")}.`);
  }
  return { principal, audience: resource };
}
