/** Parses durations such as `0`, `500ms`, `2s`, `1.5m`, `1h` or `90d` into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new Error(`'${text}' is not a duration; use a number with ms, s, m, h or d, such as 2s or 90d`);
  const value = Number(match[1]);
  const unit = match[2] ?? (value === 0 ? "ms" : undefined);
  if (!unit) throw new Error(`'${text}' needs a unit: ms, s, m, h or d (for example ${text}s)`);
  const factor: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  return Math.round(value * factor[unit]!);
}
