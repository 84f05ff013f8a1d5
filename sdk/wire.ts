/** Zod schemas of Azure's REST shapes, as the emulator serves them. */
export * from "../model/managed-hsm";
export * from "../model/keys";
export * from "../model/errors";
