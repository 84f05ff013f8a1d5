/**
 * Billing: a Managed HSM is charged by the hour while it exists, soft-deleted or not, until it is purged.
 * Usage is derived from the lifecycle events each HSM instance went through.
 */
export type UsageEventKind = "created" | "deleted" | "recovered" | "purged";

export interface UsageEvent {
  instanceId: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  kind: UsageEventKind;
  at: number;
}

export interface HsmUsage {
  instanceId: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  state: "live" | "softDeleted" | "purged";
  liveHours: number;
  softDeletedHours: number;
  billableHours: number;
  createdAt: string;
  purgedAt?: string;
}

const HOUR_MS = 3_600_000;
const round = (hours: number) => Math.round(hours * 1000) / 1000;

/** Events in the order they happened; one summary per HSM instance, oldest first. */
export function summarizeUsage(events: readonly UsageEvent[], now: number): HsmUsage[] {
  const byInstance = new Map<string, UsageEvent[]>();
  for (const e of events) byInstance.set(e.instanceId, [...(byInstance.get(e.instanceId) ?? []), e]);
  return [...byInstance.values()].map((list) => {
    let state: HsmUsage["state"] = "live";
    let since = list[0]!.at;
    let live = 0;
    let deleted = 0;
    let purgedAt: number | undefined;
    for (const e of list.slice(1)) {
      const span = Math.max(0, e.at - since);
      if (state === "live") live += span;
      else if (state === "softDeleted") deleted += span;
      since = e.at;
      if (e.kind === "deleted") state = "softDeleted";
      else if (e.kind === "recovered") state = "live";
      else if (e.kind === "purged") {
        state = "purged";
        purgedAt = e.at;
      }
    }
    if (state === "live") live += Math.max(0, now - since);
    if (state === "softDeleted") deleted += Math.max(0, now - since);
    const last = list[list.length - 1]!;
    return {
      instanceId: last.instanceId,
      name: last.name,
      subscriptionId: last.subscriptionId,
      resourceGroup: last.resourceGroup,
      location: last.location,
      state,
      liveHours: round(live / HOUR_MS),
      softDeletedHours: round(deleted / HOUR_MS),
      billableHours: round((live + deleted) / HOUR_MS),
      createdAt: new Date(list[0]!.at).toISOString(),
      ...(purgedAt !== undefined ? { purgedAt: new Date(purgedAt).toISOString() } : {}),
    };
  });
}
