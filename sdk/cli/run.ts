import type { Command } from "commander";
import { AzureApiError, AzureTransportError } from "../../provider/http/errors";
import type { FunctionOptions } from "../functions";
import { type Column, type OutputFormat, progress, render } from "./output";

export interface CommonOptions {
  subscription?: string;
  output: OutputFormat;
  wait?: boolean;
}

/** The function options of a command's flags: its subscription, and whether to wait. */
export function functionOptions(opts: CommonOptions): FunctionOptions {
  return { ...(opts.subscription ? { config: { subscriptionId: opts.subscription } } : {}), ...(opts.wait === false ? { noWait: true } : {}) };
}

/**
 * Runs a command's work and prints its result; errors print Azure's code and message on stderr and exit 1,
 * as the Azure CLI does.
 */
export function action<O extends CommonOptions>(work: (opts: O, cmd: Command) => Promise<unknown>, options: { columns?: Column[]; longRunning?: boolean; notes?: (result: unknown) => string[] } = {}) {
  return async (...args: unknown[]): Promise<void> => {
    const cmd = args[args.length - 1] as Command;
    const opts = cmd.opts<O>();
    const stop = options.longRunning && opts.wait !== false ? progress() : () => {};
    try {
      const result = await work(opts, cmd);
      stop();
      for (const note of options.notes?.(result) ?? []) process.stderr.write(`WARNING: ${note}\n`);
      process.stdout.write(render(result, opts.output, options.columns));
    } catch (err) {
      stop();
      process.stderr.write(`ERROR: ${describe(err)}\n`);
      process.exitCode = 1;
    }
  };
}

function describe(err: unknown): string {
  if (err instanceof AzureApiError) return `(${err.code}) ${err.azureMessage}\nCode: ${err.code}\nMessage: ${err.azureMessage}`;
  if (err instanceof AzureTransportError) return err.message;
  const e = err as { code?: string; message?: string };
  return e.code ? `(${e.code}) ${e.message}` : String(e.message ?? err);
}
