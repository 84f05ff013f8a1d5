import { MS_PER_DAY, SOFT_DELETE_RETENTION_DAYS } from "./limits";
import type { RecoveryLevel } from "./keys";

/**
 * The settings rules of Managed HSM's recovery model, as pure functions. The emulator refuses a request
 * that breaks them; the provider refuses the same change at preview. Each returns a reason, or undefined
 * when the change is allowed.
 */

export const PURGE_PROTECTION_IRREVERSIBLE =
  "purge protection can't be disabled once it has been enabled: the setting is irreversible";

export function purgeProtectionChangeProblem(current: boolean, requested: boolean | undefined): string | undefined {
  if (current && requested === false) return PURGE_PROTECTION_IRREVERSIBLE;
  return undefined;
}

export function retentionChangeProblem(current: number, requested: number | undefined): string | undefined {
  if (requested !== undefined && requested !== current) {
    return `softDeleteRetentionInDays has been set to ${current} already and can't be modified (requested ${requested}); it is fixed when the HSM is created`;
  }
  return undefined;
}

export const SOFT_DELETE_CANNOT_BE_DISABLED = "soft-delete is always on for Managed HSM and can't be disabled";

export function softDeleteProblem(requested: boolean | undefined): string | undefined {
  return requested === false ? SOFT_DELETE_CANNOT_BE_DISABLED : undefined;
}

export function scheduledPurgeTime(deletedAtMs: number, retentionDays: number): number {
  return deletedAtMs + retentionDays * MS_PER_DAY;
}

/** Key Vault's recovery level for the HSM's current settings; keys report it in their attributes. */
export function recoveryLevel(retentionDays: number, purgeProtection: boolean): RecoveryLevel {
  const prefix = retentionDays < SOFT_DELETE_RETENTION_DAYS.max ? "CustomizedRecoverable" : "Recoverable";
  return purgeProtection ? prefix : `${prefix}+Purgeable`;
}
