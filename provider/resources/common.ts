import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { CheckFailure, DiffResult } from "@pulumi/pulumi/dynamic";

/** The value the engine sends at preview for an input not known yet. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(isUnknown);
  if (value && typeof value === "object") return Object.values(value).some(isUnknown);
  return false;
}

/**
 * Validates inputs against a resource's fields and cross-field rule, letting preview's unknown values
 * through as they are (the rule must skip them; it runs again at apply, when everything is known).
 */
export function parseInputs<S extends z.ZodObject>(
  fields: S,
  refine: ((data: z.infer<S>, ctx: z.RefinementCtx) => void) | undefined,
  raw: Record<string, unknown>,
): z.ZodSafeParseResult<z.infer<S>> {
  const unknownKeys = Object.keys(raw).filter((k) => isUnknown(raw[k]));
  const schema = unknownKeys.length ? fields.extend(Object.fromEntries(unknownKeys.map((k) => [k, z.any()]))) : fields;
  const refined = refine ? schema.superRefine((data, ctx) => refine(data as z.infer<S>, ctx)) : schema;
  return refined.safeParse(raw) as z.ZodSafeParseResult<z.infer<S>>;
}

/** Inputs without the engine's own keys (`__provider`). */
export function userInputs(props: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props ?? {})) if (!k.startsWith("__")) out[k] = v;
  return out;
}

/** Zod problems as check failures: the property is the top-level input, the reason names the rule (and the nested field). */
export function checkFailures(error: z.ZodError): CheckFailure[] {
  return error.issues.map((issue) => {
    const [top, ...rest] = issue.path.map(String);
    const nested = rest.length ? `${rest.join(".")}: ` : "";
    if (issue.code === "unrecognized_keys") {
      return { property: issue.keys[0] ?? "", reason: `is not an input of this resource (${issue.keys.join(", ")}); check the spelling` };
    }
    return { property: top ?? "", reason: `${nested}${issue.message}` };
  });
}

/** Order-insensitive for object keys, so `{a, b}` and `{b, a}` are the same value. */
export function sameValue(a: unknown, b: unknown): boolean {
  return stable(a) === stable(b);
}

function stable(v: unknown): string {
  if (v === undefined) return "undefined";
  if (Array.isArray(v)) return `[${v.map(stable).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

/** The properties whose values differ; an unknown new value counts as a change. */
export function changedProperties(olds: Record<string, unknown>, news: Record<string, unknown>, properties: readonly string[]): string[] {
  return properties.filter((p) => isUnknown(news[p]) || !sameValue(olds[p], news[p]));
}

/**
 * The diff a replace-or-reject table gives: changes in `inPlace` update, changes in `replace` replace,
 * and a replacement that must free its name first is delete-before-replace.
 */
export function tableDiff(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  table: { inPlace: readonly string[]; replace: readonly string[] },
  deleteBeforeReplace: (replaces: string[]) => boolean,
): DiffResult {
  const changed = changedProperties(olds, news, [...table.inPlace, ...table.replace]);
  const replaces = changed.filter((p) => table.replace.includes(p));
  return {
    changes: changed.length > 0,
    ...(replaces.length ? { replaces, deleteBeforeReplace: deleteBeforeReplace(replaces) } : {}),
  };
}

/**
 * A name from the Pulumi resource name and a random suffix, valid for `rule`. Generated names are what
 * let a replacement proceed while the old name stays reserved by its soft-deleted predecessor.
 */
export function generateName(resourceName: string, maxLength: number): string {
  const suffix = randomBytes(4).toString("hex").slice(0, 7);
  let base = resourceName.replace(/[^a-zA-Z0-9-]/g, "-").replace(/-{2,}/g, "-").replace(/^[^a-zA-Z]+/, "");
  base = base.slice(0, maxLength - suffix.length - 1).replace(/-+$/, "");
  return `${base || "mhsm"}-${suffix}`;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
