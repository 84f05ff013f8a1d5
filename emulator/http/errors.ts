import type { FastifyReply, FastifyRequest } from "fastify";
import type { ArmErrorBody, DataPlaneErrorBody } from "../../model/errors";
import { DomainError, type DomainErrorKind } from "../domain/errors";
import { AccessDenied, sendAccessDenied } from "./authorization";
import { planeOf } from "./routing";

const STATUS: Record<DomainErrorKind, number> = { BadRequest: 400, NotFound: 404, Conflict: 409, Forbidden: 403 };

/** Writes an error in the shape of the request's plane: ARM's on the control plane, Key Vault's on the data plane. */
export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  innerCode?: string,
): FastifyReply {
  if (planeOf(request) === "data") {
    const body: DataPlaneErrorBody = { error: { code, message, ...(innerCode ? { innererror: { code: innerCode } } : {}) } };
    return reply.code(status).type("application/json; charset=utf-8").send(body);
  }
  const body: ArmErrorBody = { error: { code, message } };
  return reply.code(status).type("application/json; charset=utf-8").send(body);
}

interface FrameworkError extends Error {
  code?: string;
  statusCode?: number;
}

/** Turns every failure into Azure's error shape; nothing a client sends can produce a bare 500. */
export function handleError(error: FrameworkError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof AccessDenied) {
    return sendAccessDenied(request, reply, error, (status, code, message, inner) => sendError(request, reply, status, code, message, inner));
  }
  if (error instanceof DomainError) {
    return sendError(request, reply, STATUS[error.kind], error.code, error.message, error.innerCode);
  }
  const data = planeOf(request) === "data";
  switch (error.code) {
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return sendError(request, reply, 400, data ? "BadParameter" : "InvalidRequestContent", `The request content was invalid and could not be deserialized: ${error.message}`);
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return sendError(request, reply, 413, "RequestEntityTooLarge", `The request body is larger than the ${request.routeOptions.bodyLimit ?? ""} bytes allowed.`);
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return sendError(request, reply, 415, "UnsupportedMediaType", `The content type '${request.headers["content-type"] ?? ""}' is not supported; send application/json.`);
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return sendError(request, reply, 400, "InvalidRequestContent", "The request's Content-Length does not match its body.");
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return sendError(request, reply, error.statusCode, data ? "BadParameter" : "BadRequest", error.message);
  }
  request.log.error({ err: error }, "unhandled error");
  return sendError(request, reply, 500, "InternalServerError", "The emulator failed to process the request; see its log.");
}
