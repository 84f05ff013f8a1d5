#!/usr/bin/env node
import { Command } from "commander";
import { packageVersion } from "../../emulator/version";
import { emulatorCommand } from "./emulator-command";

/** The `mhsm` command line. */
export function buildProgram(): Command {
  return new Command("mhsm")
    .description("Azure Managed HSM emulator and tools for pulumi-managed-hsm.")
    .version(packageVersion())
    .showHelpAfterError()
    .addCommand(emulatorCommand());
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      process.stderr.write(`mhsm: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
