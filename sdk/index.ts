/**
 * pulumi-managed-hsm: what users import. The resource classes and providers come with the provider; today
 * the package offers the emulator, for tests that start one in-process, and the shared wire model.
 */
export { startEmulator, type RunningEmulator } from "../emulator/server";
export { DEFAULT_CONFIG as DEFAULT_EMULATOR_CONFIG, type EmulatorConfig } from "../emulator/config";
export * from "../model/api-versions";
export * from "../model/limits";
export * from "../model/names";
export * from "../model/rules";
export * as wire from "./wire";
