import { z } from "zod";
import { DEFAULT_DATA_PLANE_API_VERSION } from "../../model/api-versions";
import type { AzureClient } from "../http/client";
import { isNotFound } from "../http/errors";
import { parse } from "./managed-hsms";

export const LocalRoleAssignment = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  properties: z.object({ scope: z.string(), roleDefinitionId: z.string(), principalId: z.string() }),
});
export type LocalRoleAssignment = z.infer<typeof LocalRoleAssignment>;

/** An HSM's local RBAC role assignments on its data plane. */
export class LocalRbacApi {
  private readonly base: string;

  constructor(
    private readonly client: AzureClient,
    hsmUri: string,
  ) {
    this.base = hsmUri.replace(/\/+$/, "");
  }

  /** Azure's clients write the scope into the path as is: `//providers/...` for `/`. */
  private url(scope: string, name = ""): string {
    return `${this.base}/${scope}/providers/Microsoft.Authorization/roleAssignments${name ? `/${name}` : ""}?api-version=${DEFAULT_DATA_PLANE_API_VERSION}`;
  }

  async put(scope: string, name: string, roleDefinitionId: string, principalId: string): Promise<LocalRoleAssignment> {
    const body = { properties: { roleDefinitionId: `Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/${roleDefinitionId}`, principalId } };
    return parse(LocalRoleAssignment, (await this.client.send("data", "PUT", this.url(scope, name), body)).data, "role assignment");
  }

  async get(scope: string, name: string): Promise<LocalRoleAssignment | undefined> {
    try {
      return parse(LocalRoleAssignment, (await this.client.send("data", "GET", this.url(scope, name))).data, "role assignment");
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** False when there was nothing to delete. */
  async delete(scope: string, name: string): Promise<boolean> {
    try {
      await this.client.send("data", "DELETE", this.url(scope, name));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async list(scope = "/"): Promise<LocalRoleAssignment[]> {
    return parse(z.object({ value: z.array(LocalRoleAssignment) }), (await this.client.send("data", "GET", this.url(scope))).data, "role assignments").value;
  }
}
