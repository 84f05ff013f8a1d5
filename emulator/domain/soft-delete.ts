import { scheduledPurgeTime } from "../../model/rules";

/**
 * The soft-delete state machine Managed HSM applies to HSMs and to keys alike:
 *
 *   active --delete--> deleted --recover--> active
 *                      deleted --purge (allowed)--> gone
 *                      deleted --scheduled purge date passes--> gone
 *
 * A deleted object holds its name until it is gone. Purge is refused under purge protection until the
 * scheduled purge date, and at that date the object goes by itself. Times are milliseconds since the epoch
 * on the emulated clock.
 */
export type Lifecycle = { state: "active" } | { state: "deleted"; deletedAt: number; scheduledPurgeAt: number };

export const ACTIVE: Lifecycle = { state: "active" };

export function softDelete(now: number, retentionDays: number): Lifecycle {
  return { state: "deleted", deletedAt: now, scheduledPurgeAt: scheduledPurgeTime(now, retentionDays) };
}

export function isDeleted(lifecycle: Lifecycle): lifecycle is Extract<Lifecycle, { state: "deleted" }> {
  return lifecycle.state === "deleted";
}

/** Whether the object's scheduled purge date has come: from then on it no longer exists. */
export function isExpired(lifecycle: Lifecycle, now: number): boolean {
  return lifecycle.state === "deleted" && now >= lifecycle.scheduledPurgeAt;
}

export type PurgeDecision = { allowed: true } | { allowed: false; reason: "not-deleted" } | { allowed: false; reason: "purge-protection"; until: number };

export function purgeDecision(lifecycle: Lifecycle, now: number, purgeProtection: boolean): PurgeDecision {
  if (lifecycle.state !== "deleted") return { allowed: false, reason: "not-deleted" };
  if (purgeProtection && now < lifecycle.scheduledPurgeAt) {
    return { allowed: false, reason: "purge-protection", until: lifecycle.scheduledPurgeAt };
  }
  return { allowed: true };
}

/** Who holds a name: nobody, a live object, or a soft-deleted one that keeps it until purged. */
export type NameClaim = "free" | "active" | "deleted";

export function nameClaim(holder: { lifecycle: Lifecycle } | undefined): NameClaim {
  if (!holder) return "free";
  return holder.lifecycle.state;
}
