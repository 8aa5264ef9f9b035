import type { FastifyReply } from 'fastify';
import type { CommandResult } from '../service/call-service.ts';

/**
 * Answers a command with the call's new state: 201 Created when it created the call, else
 * 200. An idempotent replay answers as the first request did, and says so in a header.
 */
export function sendCommandResult(reply: FastifyReply, result: CommandResult): FastifyReply {
  if (result.replayed) reply.header('idempotent-replayed', 'true');
  return reply.code(result.created ? 201 : 200).send(result.call);
}
