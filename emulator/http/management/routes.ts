import { z } from "zod";
import { SECONDS_PER_DAY } from "../../../model/limits";
import type { EmulatorCore } from "../../core";
import type { RouteSpec } from "../routing";
import { parseBody } from "../validate";

export const ClockAdvanceBody = z
  .object({
    advanceSeconds: z.number({ message: "must be a number" }).min(0, "must be zero or more: the clock never goes back").optional(),
    advanceDays: z.number({ message: "must be a number" }).min(0, "must be zero or more: the clock never goes back").optional(),
  })
  .strict()
  .refine((b) => b.advanceSeconds !== undefined || b.advanceDays !== undefined, { message: "give advanceSeconds or advanceDays" });

/** The emulator's own API under /_emulator: readiness, the emulated clock, and billing usage. */
export function managementRoutes(core: EmulatorCore, version: string): RouteSpec[] {
  const management = { plane: "management" as const };
  return [
    {
      method: "GET",
      url: "/_emulator/health",
      config: { ...management, public: true },
      handler: () => ({ status: "ok", version, now: new Date(core.clock.now()).toISOString() }),
    },
    {
      method: "GET",
      url: "/_emulator/clock",
      config: { ...management, adminOnly: true },
      handler: () => ({ now: new Date(core.clock.now()).toISOString() }),
    },
    {
      method: "POST",
      url: "/_emulator/clock",
      config: { ...management, adminOnly: true },
      handler: (request) => {
        const body = parseBody(ClockAdvanceBody, request.body, "control");
        const ms = ((body.advanceSeconds ?? 0) + (body.advanceDays ?? 0) * SECONDS_PER_DAY) * 1000;
        return { now: new Date(core.advanceClock(ms)).toISOString() };
      },
    },
    {
      method: "GET",
      url: "/_emulator/usage",
      config: management,
      handler: () => ({ value: core.usage() }),
    },
  ];
}
