import type { FastifyReply, FastifyRequest } from "fastify";
import type { OperationRecord } from "../../persistence/operation-store";
import { query } from "../validate";

export function operationUrl(request: FastifyRequest, op: OperationRecord): string {
  const apiVersion = query(request, "api-version") ?? "";
  return `${request.protocol}://${request.headers.host}/subscriptions/${op.subscriptionId}/providers/Microsoft.KeyVault/locations/${op.location}/managedHsmOperationResults/${op.id}?api-version=${encodeURIComponent(apiVersion)}`;
}

/** Azure's long-running-operation answer: 202 with a `Location` to poll and a `Retry-After` in seconds. */
export function accepted(request: FastifyRequest, reply: FastifyReply, op: OperationRecord, now: number, body?: unknown): FastifyReply {
  const retryAfter = Math.max(1, Math.ceil((op.readyAt - now) / 1000));
  reply.code(202).header("Location", operationUrl(request, op)).header("Retry-After", String(retryAfter));
  return body === undefined ? reply.send() : reply.send(body);
}
