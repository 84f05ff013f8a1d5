import { randomUUID } from "node:crypto";
import type { CheckResult, CreateResult, DiffResult, ReadResult } from "@pulumi/pulumi/dynamic";
import { z } from "zod";
import { Guid } from "../../../model/managed-hsm";
import { DATA_PLANE_ROLES, findRole } from "../../../model/roles";
import type { ProviderContext } from "../../context";
import { isNotFound } from "../../http/errors";
import { checkFailures, isUnknown, parseInputs, tableDiff, userInputs } from "../common";

/** A data-plane role assignment in an HSM's local RBAC. Every change replaces it: assignments can't be updated. */
export const HsmRoleAssignmentFields = z
  .object({
    resourceName: z.string().optional(),
    hsmUri: z.url({ message: "must be the HSM's URI, such as a ManagedHsm's hsmUri output" }),
    roleDefinitionName: z.string().optional(),
    roleDefinitionId: z.string().optional(),
    principalId: Guid,
    scope: z.string().regex(/^\/(keys(\/[0-9a-zA-Z-]+)?)?$/, "must be /, /keys or /keys/{name}").optional(),
    name: Guid.optional(),
  })
  .strict();

function refineRole(a: z.infer<typeof HsmRoleAssignmentFields>, ctx: z.RefinementCtx): void {
    const given = [a.roleDefinitionName, a.roleDefinitionId].filter((x) => x !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({ code: "custom", path: ["roleDefinitionName"], message: "give exactly one of roleDefinitionName or roleDefinitionId" });
      return;
    }
    if (!isUnknown(given[0]) && !findRole("data", given[0]!)) {
      ctx.addIssue({ code: "custom", path: [a.roleDefinitionName !== undefined ? "roleDefinitionName" : "roleDefinitionId"], message: `must be a built-in Managed HSM role: ${DATA_PLANE_ROLES.map((r) => r.name).join(", ")} (or its id)` });
    }
}

export interface HsmRoleAssignmentInputs {
  resourceName?: string;
  hsmUri: string;
  name: string;
  roleDefinitionId: string;
  roleDefinitionName: string;
  principalId: string;
  scope: string;
}

const TABLE = { inPlace: [] as string[], replace: ["hsmUri", "name", "roleDefinitionId", "principalId", "scope"] };

export function normalize(args: z.infer<typeof HsmRoleAssignmentFields>, olds: HsmRoleAssignmentInputs | undefined): HsmRoleAssignmentInputs {
  const given = args.roleDefinitionName ?? args.roleDefinitionId!;
  const role = isUnknown(given) ? undefined : findRole("data", given);
  return {
    ...(args.resourceName !== undefined ? { resourceName: args.resourceName } : {}),
    hsmUri: isUnknown(args.hsmUri) ? args.hsmUri : `${args.hsmUri.replace(/\/+$/, "")}/`,
    name: args.name ?? olds?.name ?? randomUUID(),
    roleDefinitionId: role?.id ?? given,
    roleDefinitionName: role?.name ?? given,
    principalId: args.principalId.toLowerCase(),
    scope: args.scope ?? "/",
  };
}

export async function check(_ctx: ProviderContext, oldsRaw: Record<string, unknown>, newsRaw: Record<string, unknown>): Promise<CheckResult> {
  const parsed = parseInputs(HsmRoleAssignmentFields, refineRole, userInputs(newsRaw));
  if (!parsed.success) return { inputs: newsRaw, failures: checkFailures(parsed.error) };
  const olds = Object.keys(userInputs(oldsRaw)).length ? (userInputs(oldsRaw) as unknown as HsmRoleAssignmentInputs) : undefined;
  return { inputs: normalize(parsed.data, olds) as unknown as Record<string, unknown> };
}

export function diff(olds: Record<string, unknown>, news: Record<string, unknown>): DiffResult {
  // The old assignment goes first: the same principal, role and scope can't be assigned twice.
  return tableDiff(userInputs(olds), userInputs(news), TABLE, () => true);
}

export async function create(ctx: ProviderContext, raw: Record<string, unknown>): Promise<CreateResult> {
  const p = userInputs(raw) as unknown as HsmRoleAssignmentInputs;
  const a = await ctx.rbac(p.hsmUri).put(p.scope, p.name, p.roleDefinitionId, p.principalId);
  return { id: `${p.hsmUri}${p.scope === "/" ? "" : p.scope.slice(1) + "/"}providers/Microsoft.Authorization/roleAssignments/${a.name}`, outs: { ...p } };
}

export async function read(ctx: ProviderContext, id: string, raw: Record<string, unknown>): Promise<ReadResult> {
  const p = userInputs(raw) as unknown as HsmRoleAssignmentInputs;
  try {
    const a = await ctx.rbac(p.hsmUri).get(p.scope, p.name);
    return a ? { id, props: { ...p, principalId: a.properties.principalId.toLowerCase() } } : {};
  } catch (err) {
    if (isNotFound(err)) return {};
    throw err;
  }
}

export async function remove(ctx: ProviderContext, raw: Record<string, unknown>): Promise<void> {
  const p = userInputs(raw) as unknown as HsmRoleAssignmentInputs;
  try {
    await ctx.rbac(p.hsmUri).delete(p.scope, p.name);
  } catch (err) {
    // The HSM itself is gone (soft-deleted or purged): so is the assignment, as far as this stack can tell.
    if (!isNotFound(err)) throw err;
  }
}
