import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { CallCommand } from '../../engine/commands.ts';
import { sendCommandResult } from '../command-reply.ts';
import { idempotencyOf } from '../idempotency-key.ts';
import {
  callParamsSchema,
  callViewSchema,
  dtmfBodySchema,
  inviteBodySchema,
  participantParamsSchema,
} from '../schemas/calls.ts';
import { errorResponses, idempotencyHeadersSchema } from '../schemas/common.ts';
import type { RouteDeps } from './route-deps.ts';

const commandResponse = { 200: callViewSchema, ...errorResponses };

/** Every command on an existing call: participants, DTMF, end. Each answers with the new state. */
export const callCommandRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { service, metrics } = deps;

  app.post(
    '/v1/calls/:callId/participants',
    {
      schema: {
        summary: 'Invite a user (emits call.user.invited)',
        tags: ['participants'],
        headers: idempotencyHeadersSchema,
        params: callParamsSchema,
        body: inviteBodySchema,
        response: commandResponse,
      },
    },
    async (request, reply) => {
      const { callId } = request.params;
      const command: CallCommand = { type: 'invite', userId: request.body.userId };
      const result = await metrics.timeCommand('invite', () =>
        service.command(callId, command, idempotencyOf(request, callId)),
      );
      return sendCommandResult(reply, result);
    },
  );

  // join, pause and unpause differ only in the command; the path names it.
  const participantCommands = {
    join: 'Join (answer) as an invited user; no event of its own',
    pause: 'Put a joined participant on hold (emits call.user.paused)',
    unpause: 'Take a paused participant off hold (emits call.user.unpaused)',
  } as const;
  for (const [type, summary] of Object.entries(participantCommands) as [
    keyof typeof participantCommands,
    string,
  ][]) {
    app.post(
      `/v1/calls/:callId/participants/:userId/${type}`,
      {
        schema: {
          summary,
          tags: ['participants'],
          headers: idempotencyHeadersSchema,
          params: participantParamsSchema,
          response: commandResponse,
        },
      },
      async (request, reply) => {
        const { callId, userId } = request.params;
        const result = await metrics.timeCommand(type, () =>
          service.command(callId, { type, userId }, idempotencyOf(request, callId)),
        );
        return sendCommandResult(reply, result);
      },
    );
  }

  app.delete(
    '/v1/calls/:callId/participants/:userId',
    {
      schema: {
        summary: 'Remove a participant (emits call.user.removed; may end the call)',
        tags: ['participants'],
        headers: idempotencyHeadersSchema,
        params: participantParamsSchema,
        response: commandResponse,
      },
    },
    async (request, reply) => {
      const { callId, userId } = request.params;
      const result = await metrics.timeCommand('remove', () =>
        service.command(callId, { type: 'remove', userId }, idempotencyOf(request, callId)),
      );
      return sendCommandResult(reply, result);
    },
  );

  app.post(
    '/v1/calls/:callId/dtmf',
    {
      schema: {
        summary: 'Send DTMF symbols (one call.dtmf event per symbol)',
        tags: ['calls'],
        headers: idempotencyHeadersSchema,
        params: callParamsSchema,
        body: dtmfBodySchema,
        response: commandResponse,
      },
    },
    async (request, reply) => {
      const { callId } = request.params;
      const { digits, userId } = request.body;
      const command: CallCommand = {
        type: 'dtmf',
        digits,
        ...(userId !== undefined && { userId }),
      };
      const result = await metrics.timeCommand('dtmf', () =>
        service.command(callId, command, idempotencyOf(request, callId)),
      );
      return sendCommandResult(reply, result);
    },
  );

  app.post(
    '/v1/calls/:callId/end',
    {
      schema: {
        summary: 'End the call (call.user.removed for everyone present, then call.ended)',
        tags: ['calls'],
        headers: idempotencyHeadersSchema,
        params: callParamsSchema,
        response: commandResponse,
      },
    },
    async (request, reply) => {
      const { callId } = request.params;
      const result = await metrics.timeCommand('end', () =>
        service.command(callId, { type: 'end' }, idempotencyOf(request, callId)),
      );
      return sendCommandResult(reply, result);
    },
  );
};
