import { badRequest } from "./errors";

/**
 * The emulated clock is real time plus an offset that only grows: scheduled purge dates, once passed,
 * stay passed, as they do in Azure.
 */
export function advancedOffset(currentOffsetMs: number, byMs: number): number {
  if (!Number.isFinite(byMs) || byMs < 0) {
    throw badRequest("The emulated clock only moves forward: advanceSeconds and advanceDays must be zero or more.", "InvalidClockChange");
  }
  return currentOffsetMs + byMs;
}
