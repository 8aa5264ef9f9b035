import type { FastifyReply } from 'fastify';
import type { CommandResult } from '../service/call-service.ts';

/** Answers a command with the call's new state; an idempotent replay says so in a header. */
export function sendCommandResult(reply: FastifyReply, result: CommandResult): FastifyReply {
  if (result.replayed) reply.header('idempotent-replayed', 'true');
  return reply.code(result.statusCode).send(result.call);
}
