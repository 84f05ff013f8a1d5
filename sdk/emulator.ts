/** `pulumi-managed-hsm/emulator`: start the emulator in-process, for tests that want one without a child process. */
export { startEmulator, type RunningEmulator } from "../emulator/server";
export { DEFAULT_CONFIG as DEFAULT_EMULATOR_CONFIG, type EmulatorConfig } from "../emulator/config";
