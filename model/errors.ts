import { z } from "zod";

/** ARM's error body. */
export const ArmErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    target: z.string().optional(),
    details: z.array(z.object({ code: z.string(), message: z.string(), target: z.string().optional() })).optional(),
  }),
});
export type ArmErrorBody = z.infer<typeof ArmErrorBody>;

/** Key Vault data plane's error body. */
export const DataPlaneErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    innererror: z.object({ code: z.string() }).optional(),
  }),
});
export type DataPlaneErrorBody = z.infer<typeof DataPlaneErrorBody>;
