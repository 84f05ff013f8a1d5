import { advancedOffset } from "../domain/clock";
import type { MetaStore } from "../persistence/meta-store";

const OFFSET_KEY = "clockOffsetMs";

/** Emulated time: the machine's clock plus a persisted offset that only grows. */
export class Clock {
  private offsetMs: number;

  constructor(private readonly meta: MetaStore) {
    this.offsetMs = Number(meta.get(OFFSET_KEY) ?? "0");
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves emulated time forward; the caller sweeps what expired. */
  advance(byMs: number): number {
    const next = advancedOffset(this.offsetMs, byMs);
    this.meta.put(OFFSET_KEY, String(next));
    this.offsetMs = next;
    return this.now();
  }
}
