import { streamIdSchema, threadIdSchema } from '@callhook/sdk';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import { CallhookError } from '../../errors.ts';
import type { SipDirectory } from '../../store/sip-port.ts';
import { errorResponses, pageLimitSchema } from '../schemas/common.ts';

// SIP rooms (docs/sip.md): a dialled user part, sip:<room>@host, mapped to a thread. An
// INVITE to a room joins the active call of that thread, or starts one.

export interface SipRoomRouteDeps {
  rooms: SipDirectory;
  clock: Clock;
}

/** The dialled user part a room answers to. */
export const roomNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9._+-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 . _ + -')
  .describe('the user part dialled: an INVITE to sip:<room>@<host> joins this room');

const roomSchema = z
  .object({
    room: roomNameSchema,
    streamId: streamIdSchema,
    threadId: threadIdSchema,
    createdAt: z.number().int().describe('ms since the Unix epoch'),
  })
  .describe('A SIP room');

const createRoomBodySchema = z.strictObject({
  room: roomNameSchema,
  streamId: streamIdSchema,
  threadId: threadIdSchema,
});

const roomParamsSchema = z.strictObject({ room: roomNameSchema });

const listRoomsQuerySchema = z.strictObject({
  limit: pageLimitSchema,
  cursor: roomNameSchema.optional().describe('nextCursor of the previous page'),
});

const roomPageSchema = z.object({
  rooms: z.array(roomSchema),
  nextCursor: z.string().nullable().describe('pass as cursor for the next page; null at the end'),
});

const tags = ['sip'];

export const sipRoomRoutes: FastifyPluginAsyncZod<SipRoomRouteDeps> = async (
  app,
  { rooms, clock },
) => {
  app.post(
    '/v1/sip/rooms',
    {
      schema: {
        summary: 'Map a dialled SIP user part to a thread (409 if the room exists)',
        tags,
        body: createRoomBodySchema,
        response: { 201: roomSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const room = { ...request.body, createdAt: clock.now() };
      await rooms.createRoom(room);
      return reply.code(201).send(room);
    },
  );

  app.get(
    '/v1/sip/rooms',
    {
      schema: {
        summary: 'List SIP rooms in name order',
        tags,
        querystring: listRoomsQuerySchema,
        response: { 200: roomPageSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const page = await rooms.listRooms({ limit, ...(cursor !== undefined && { after: cursor }) });
      return { rooms: page.rooms, nextCursor: page.nextAfter };
    },
  );

  app.get(
    '/v1/sip/rooms/:room',
    {
      schema: {
        summary: 'Get a SIP room',
        tags,
        params: roomParamsSchema,
        response: { 200: roomSchema, ...errorResponses },
      },
    },
    async (request) => {
      const room = await rooms.getRoom(request.params.room);
      if (!room) throw noRoom(request.params.room);
      return room;
    },
  );

  app.delete(
    '/v1/sip/rooms/:room',
    {
      schema: {
        summary: 'Delete a SIP room (calls going on in its thread go on)',
        tags,
        params: roomParamsSchema,
        response: { 204: z.null().describe('deleted'), ...errorResponses },
      },
    },
    async (request, reply) => {
      if (!(await rooms.deleteRoom(request.params.room))) throw noRoom(request.params.room);
      return reply.code(204).send(null);
    },
  );
};

function noRoom(room: string): CallhookError {
  return new CallhookError('not_found', `no SIP room ${room}`, { room });
}
