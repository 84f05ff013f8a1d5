/**
 * A refusal by the domain. `kind` says what sort of refusal it is (the HTTP layer turns it into a status);
 * `code` and `message` are Azure's vocabulary, which the domain owns because they are part of the rules.
 */
export type DomainErrorKind = "BadRequest" | "NotFound" | "Conflict" | "Forbidden";

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly innerCode?: string,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const badRequest = (message: string, code = "BadRequest") => new DomainError("BadRequest", code, message);
export const notFound = (code: string, message: string) => new DomainError("NotFound", code, message);
export const conflict = (code: string, message: string, innerCode?: string) =>
  new DomainError("Conflict", code, message, innerCode);
export const forbidden = (message: string, code = "Forbidden") => new DomainError("Forbidden", code, message);
