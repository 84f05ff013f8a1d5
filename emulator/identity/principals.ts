import fs from "node:fs";
import { z } from "zod";
import { Guid } from "../../model/managed-hsm";
import { DEFAULT_IDENTITY, findRole } from "../../model/roles";
import { describeZodError } from "../../model/validation";

/**
 * Who may call the emulator: service principals with a client id and secret, their object ids, and the
 * control-plane role assignments they start with. With no file, the documented default identity is the
 * only principal: Owner of every subscription and an emulator administrator.
 */

const RoleAssignmentSeed = z.object({
  role: z.string().min(1).refine((r) => findRole("control", r) !== undefined, {
    message: "must be a built-in control-plane role: Owner, Contributor, Reader or Managed HSM contributor (by name or id)",
  }),
  scope: z
    .string()
    .regex(/^\/(subscriptions\/[0-9a-fA-F-]{36}(\/resourceGroups\/[^/]+(\/providers\/Microsoft\.KeyVault\/managedHSMs\/[^/]+)?)?)?$/i, {
      message: "must be /, /subscriptions/{id}, /subscriptions/{id}/resourceGroups/{rg} or an HSM's resource id",
    }),
});

export const PrincipalSchema = z.object({
  displayName: z.string().min(1, "must not be empty"),
  clientId: z.string().min(1, "must not be empty"),
  clientSecret: z.string().min(8, "must be at least 8 characters"),
  objectId: Guid,
  /** May use the emulator's clock and usage API. */
  emulatorAdmin: z.boolean().default(false),
  roleAssignments: z.array(RoleAssignmentSeed).default([]),
});
export type Principal = z.infer<typeof PrincipalSchema>;

export const PrincipalsFile = z
  .object({
    tenantId: Guid.default(DEFAULT_IDENTITY.tenantId),
    principals: z.array(PrincipalSchema).min(1, "must list at least one principal"),
  })
  .superRefine((file, ctx) => {
    const seen = new Map<string, number>();
    file.principals.forEach((p, i) => {
      const previous = seen.get(p.clientId);
      if (previous !== undefined) {
        ctx.addIssue({ code: "custom", path: ["principals", i, "clientId"], message: `'${p.clientId}' is already used by principals.${previous}` });
      }
      seen.set(p.clientId, i);
    });
  });
export type PrincipalsFile = z.infer<typeof PrincipalsFile>;

export interface Directory {
  tenantId: string;
  principals: readonly Principal[];
}

export const DEFAULT_DIRECTORY: Directory = {
  tenantId: DEFAULT_IDENTITY.tenantId,
  principals: [
    {
      displayName: DEFAULT_IDENTITY.displayName,
      clientId: DEFAULT_IDENTITY.clientId,
      clientSecret: DEFAULT_IDENTITY.clientSecret,
      objectId: DEFAULT_IDENTITY.objectId,
      emulatorAdmin: true,
      roleAssignments: [{ role: "Owner", scope: "/" }],
    },
  ],
};

/** Reads and validates a principals file; errors name the file, the field and the rule. */
export function loadDirectory(file: string | undefined): Directory {
  if (file === undefined) return DEFAULT_DIRECTORY;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`Can't read the principals file ${file}: ${(err as Error).message}`);
  }
  const parsed = PrincipalsFile.safeParse(raw);
  if (!parsed.success) throw new Error(`Invalid principals file ${file}: ${describeZodError(parsed.error)}`);
  return parsed.data;
}
