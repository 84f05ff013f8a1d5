import { Option } from "commander";

export const OUTPUT_FORMATS = ["json", "jsonc", "table", "tsv", "none"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const outputOption = () => new Option("-o, --output <format>", "output format").choices(OUTPUT_FORMATS).default("json");
export const subscriptionOption = () => new Option("--subscription <id>", "subscription id (default: MHSM_SUBSCRIPTION_ID, or the emulator's default)");

/** A table column: its header and how to read it from one result object. */
export type Column = [header: string, read: (item: any) => unknown];

const COLOR = { key: "\x1b[94m", string: "\x1b[32m", other: "\x1b[33m", reset: "\x1b[0m" };

function colorize(json: string): string {
  return json.replace(/("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g, (m, str: string | undefined, colon: string | undefined) => {
    if (str) return colon ? `${COLOR.key}${str}${COLOR.reset}${colon}` : `${COLOR.string}${str}${COLOR.reset}`;
    return `${COLOR.other}${m}${COLOR.reset}`;
  });
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Writes a result in the chosen format, as the Azure CLI would. */
export function render(result: unknown, format: OutputFormat, columns?: Column[]): string {
  if (format === "none" || result === undefined) return "";
  if (format === "json") return `${JSON.stringify(result, null, 2)}\n`;
  if (format === "jsonc") return `${colorize(JSON.stringify(result, null, 2))}\n`;
  const items = Array.isArray(result) ? result : [result];
  const cols: Column[] =
    columns ??
    Object.keys((items[0] ?? {}) as object)
      .filter((k) => typeof (items[0] as Record<string, unknown>)[k] !== "object")
      .map((k) => [k[0]!.toUpperCase() + k.slice(1), (i: Record<string, unknown>) => i[k]] as Column);
  const rows = items.map((item) => cols.map(([, read]) => cell(read(item))));
  if (format === "tsv") return rows.map((r) => `${r.join("\t")}\n`).join("");
  const widths = cols.map(([h], i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return `${[line(cols.map(([h]) => h)), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n")}\n`;
}

/** A spinner on stderr while a long-running command waits; nothing when stderr is not a terminal. */
export function progress(label = "Running"): () => void {
  if (!process.stderr.isTTY) return () => {};
  const frames = ["|", "/", "-", "\\"];
  let i = 0;
  const timer = setInterval(() => process.stderr.write(`\r${frames[i++ % frames.length]} ${label} ..`), 120);
  return () => {
    clearInterval(timer);
    process.stderr.write("\r\x1b[K");
  };
}
