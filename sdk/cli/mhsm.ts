#!/usr/bin/env node
import { Command } from "commander";
import { packageVersion } from "../../emulator/version";
import { emulatorCommand } from "./emulator-command";
import { keyvaultCommand } from "./keyvault-command";
import { roleCommand } from "./role-command";

/** The `mhsm` command line. */
export function buildProgram(): Command {
  const program = new Command("mhsm")
    .description("Azure Managed HSM emulator and tools for pulumi-managed-hsm. Settings: MHSM_ENDPOINT, MHSM_SUBSCRIPTION_ID, MHSM_TENANT_ID, MHSM_CLIENT_ID, MHSM_CLIENT_SECRET, MHSM_CA_CERT.")
    .version(packageVersion())
    .addCommand(emulatorCommand())
    .addCommand(keyvaultCommand())
    .addCommand(roleCommand());
  azStyleErrors(program);
  return program;
}

/** Usage errors as the Azure CLI words them, with exit code 2, on every command. */
function azStyleErrors(cmd: Command): void {
  cmd.exitOverride((err) => {
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") process.exit(0);
    process.exit(2);
  });
  cmd.configureOutput({
    outputError: (message, write) => {
      const text = message
        .replace(/^error: required option '([^ ']+)[^']*' not specified/m, "the following arguments are required: $1")
        .replace(/^error: unknown option '([^']+)'/m, "unrecognized arguments: $1")
        .replace(/^error: /m, "");
      write(`ERROR: ${text.trim()}\nTry '${commandPath(cmd)} --help' for more information.\n`);
    },
  });
  for (const sub of cmd.commands) azStyleErrors(sub);
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      process.stderr.write(`mhsm: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
