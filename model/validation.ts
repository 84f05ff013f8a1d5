import type { z } from "zod";

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `properties.softDeleteRetentionInDays`; empty for the whole value. */
  field: string;
  rule: string;
}

/** Turns a zod error into problems that each name the field and the rule it broke. */
export function fieldProblems(error: z.ZodError, prefix = ""): FieldProblem[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((p) => p !== "").join(".");
    return { field: path, rule: issue.message };
  });
}

export function describeProblems(problems: readonly FieldProblem[]): string {
  return problems.map((p) => (p.field ? `${p.field}: ${p.rule}` : p.rule)).join("; ");
}

export function describeZodError(error: z.ZodError, prefix = ""): string {
  return describeProblems(fieldProblems(error, prefix));
}
