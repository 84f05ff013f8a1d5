import { z } from "zod";
import { AUTHORIZATION_API_VERSIONS } from "../../model/api-versions";
import type { AzureClient } from "../http/client";
import { isNotFound } from "../http/errors";
import { parse } from "./managed-hsms";

const V = AUTHORIZATION_API_VERSIONS[AUTHORIZATION_API_VERSIONS.length - 1]!;

export const RoleAssignment = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  properties: z.object({ roleDefinitionId: z.string(), principalId: z.string(), principalType: z.string().optional(), scope: z.string() }),
});
export type RoleAssignment = z.infer<typeof RoleAssignment>;

/** Azure RBAC role assignments on the control plane (Microsoft.Authorization). */
export class ControlRbacApi {
  constructor(private readonly client: AzureClient) {}

  private url(scope: string, name = ""): string {
    const s = scope === "/" ? "" : scope.replace(/\/+$/, "");
    return this.client.controlUrl(`${s}/providers/Microsoft.Authorization/roleAssignments${name ? `/${name}` : ""}`, V);
  }

  async put(scope: string, name: string, roleId: string, principalId: string): Promise<RoleAssignment> {
    const sub = /^\/subscriptions\/[^/]+/i.exec(scope)?.[0] ?? "";
    const body = { properties: { roleDefinitionId: `${sub}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`, principalId } };
    return parse(RoleAssignment, (await this.client.send("control", "PUT", this.url(scope, name), body)).data, "role assignment");
  }

  async list(scope: string, principalId?: string): Promise<RoleAssignment[]> {
    const filter = principalId ? `&$filter=${encodeURIComponent(`principalId eq '${principalId}'`)}` : "";
    return parse(z.object({ value: z.array(RoleAssignment) }), (await this.client.send("control", "GET", `${this.url(scope)}${filter}`)).data, "role assignments").value;
  }

  async delete(scope: string, name: string): Promise<boolean> {
    try {
      const res = await this.client.send("control", "DELETE", this.url(scope, name));
      return res.status !== 204;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }
}
