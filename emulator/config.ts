import { z } from "zod";
import { HSM_NAME_PATTERN } from "../model/names";

/** The emulator's settings, as the command line and tests give them. */
export const EmulatorConfig = z.object({
  port: z.number().int().min(0, "must be 0 to 65535 (0 picks a free port)").max(65535, "must be 0 to 65535 (0 picks a free port)"),
  host: z.string().min(1, "must not be empty"),
  /** Folder for the database; ignored with inMemory. */
  location: z.string().min(1, "must not be empty"),
  inMemory: z.boolean(),
  provisioningDelayMs: z.number().int().min(0, "must be zero or more"),
  hsmHostSuffix: z
    .string()
    .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i, "must be a DNS suffix such as managedhsm.localhost")
    .refine((s) => !HSM_NAME_PATTERN.test(s), "must contain a dot"),
  debug: z.boolean(),
  sweepIntervalMs: z.number().int().min(10),
  /** `token`: bearer tokens and Azure's roles; `none`: no checks at all (unsafe, for quick local use). */
  auth: z.enum(["token", "none"], { message: "must be token or none" }),
  /** Serve HTTPS with the emulator's own CA (or `cert`/`key`); false serves plain HTTP. */
  tls: z.boolean(),
  cert: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
  principalsFile: z.string().min(1).optional(),
  tokenLifetimeSeconds: z.number().int().min(1, "must be at least 1 second"),
}).refine((c) => (c.cert === undefined) === (c.key === undefined), { message: "cert and key go together: give both or neither", path: ["cert"] })
  .refine((c) => c.tls || (c.cert === undefined && c.key === undefined), { message: "cert and key need TLS; drop --no-tls", path: ["cert"] });
export type EmulatorConfig = z.infer<typeof EmulatorConfig>;

export const DEFAULT_CONFIG: EmulatorConfig = {
  port: 8443,
  host: "127.0.0.1",
  location: "./.mhsm",
  inMemory: false,
  provisioningDelayMs: 2000,
  hsmHostSuffix: "managedhsm.localhost",
  debug: false,
  sweepIntervalMs: 1000,
  auth: "token",
  tls: true,
  tokenLifetimeSeconds: 3600,
};
