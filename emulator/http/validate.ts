import type { z } from "zod";
import { describeZodError } from "../../model/validation";
import { badRequest } from "../domain/errors";
import type { Plane } from "../../model/api-versions";

/** Parses a request body with its schema; a failure names each field and the rule it broke. */
export function parseBody<S extends z.ZodTypeAny>(schema: S, body: unknown, plane: Plane): z.infer<S> {
  const code = plane === "control" ? "BadRequest" : "BadParameter";
  if (body === undefined || body === null) throw badRequest("The request body is required and must be a JSON object.", code);
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw badRequest(`The request body is invalid: ${describeZodError(parsed.error)}.`, code);
  return parsed.data;
}

/** A path parameter; routes only register parameters they declare, so absence is a programming error. */
export function param(params: unknown, name: string): string {
  const value = (params as Record<string, string | undefined>)[name];
  if (value === undefined) throw new Error(`route has no parameter '${name}'`);
  return value;
}

export function query(request: { query: unknown }, name: string): string | undefined {
  const value = (request.query as Record<string, unknown>)[name];
  if (Array.isArray(value)) return typeof value[0] === "string" ? value[0] : undefined;
  return typeof value === "string" ? value : undefined;
}
