import { z } from "zod";

/** Managed HSM names: 3 to 24 characters, a letter first, letters, digits and hyphens, no `--`. */
export const HSM_NAME_PATTERN = /^[a-zA-Z][-a-zA-Z0-9]{1,22}[a-zA-Z0-9]$/;
export const HSM_NAME_RULE =
  "must be 3 to 24 characters of letters, digits and hyphens, start with a letter, end with a letter or digit, and not contain '--'";

export function hsmNameProblem(name: string): string | undefined {
  if (!HSM_NAME_PATTERN.test(name) || name.includes("--")) return `'${name}' ${HSM_NAME_RULE}`;
  return undefined;
}

export const HsmName = z.string().superRefine((value, ctx) => {
  const problem = hsmNameProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** Key names: letters, digits and hyphens, 1 to 127 characters (Key Vault's object-name rule). */
export const KEY_NAME_PATTERN = /^[0-9a-zA-Z-]{1,127}$/;
export const KEY_NAME_RULE = "must be 1 to 127 characters of letters, digits and hyphens";

export function keyNameProblem(name: string): string | undefined {
  return KEY_NAME_PATTERN.test(name) ? undefined : `'${name}' ${KEY_NAME_RULE}`;
}

export const KeyName = z.string().superRefine((value, ctx) => {
  const problem = keyNameProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** Key versions are 32 lower-case hex characters. */
export const KEY_VERSION_PATTERN = /^[0-9a-f]{32}$/i;

/** ARM resource group names: 1 to 90 of letters, digits, underscores, hyphens, periods, parentheses; not ending in a period. */
export const RESOURCE_GROUP_PATTERN = /^[-\w._()]{0,89}[-\w_()]$/;
export const SUBSCRIPTION_ID_PATTERN = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
export const LOCATION_PATTERN = /^[a-zA-Z0-9 ]{1,64}$/;

/** The resource group named in an ARM resource id, such as an HSM's `id` or a deleted HSM's `mhsmId`. */
export function resourceGroupOf(armId: string): string | undefined {
  return /\/resourceGroups\/([^/]+)/i.exec(armId)?.[1];
}

/** Azure treats location display names and short names alike ("West Europe" is "westeurope"). */
export function normalizeLocation(location: string): string {
  return location.replace(/\s+/g, "").toLowerCase();
}
