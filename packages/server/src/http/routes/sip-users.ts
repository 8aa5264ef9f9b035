import { userIdSchema } from '@callhook/sdk';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import { CallhookError } from '../../errors.ts';
import { sipUserRecord } from '../../sip/digest-auth.ts';
import type { SipDirectory } from '../../store/sip-port.ts';
import { errorResponses } from '../schemas/common.ts';

// SIP users (docs/sip.md): who may REGISTER, with digest credentials stored hashed (RFC 8760:
// H(user:realm:password) in MD5 and SHA-256), never the password. A REGISTERed user is rung
// when the API invites its userId.

export interface SipUserRouteDeps {
  directory: SipDirectory;
  clock: Clock;
}

const userViewSchema = z
  .object({
    userId: userIdSchema,
    realm: z.string().describe('the digest realm to configure in the phone'),
    createdAt: z.number().int().describe('when the password was set, ms since the Unix epoch'),
  })
  .describe('A SIP user (the password is never shown)');

const putUserBodySchema = z.strictObject({
  userId: userIdSchema,
  password: z
    .string()
    .regex(/^[\x21-\x7E]{8,128}$/, 'must be 8-128 printable ASCII characters without spaces')
    .describe('the digest password the phone registers with'),
});

const userParamsSchema = z.strictObject({ userId: userIdSchema });

const tags = ['sip'];

export const sipUserRoutes: FastifyPluginAsyncZod<SipUserRouteDeps> = async (
  app,
  { directory, clock },
) => {
  app.post(
    '/v1/sip/users',
    {
      schema: {
        summary: 'Let a userId REGISTER with this password (replaces an earlier one)',
        tags,
        body: putUserBodySchema,
        response: { 201: userViewSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = sipUserRecord(request.body.userId, request.body.password, clock.now());
      await directory.putUser(user);
      return reply
        .code(201)
        .send({ userId: user.userId, realm: user.realm, createdAt: user.createdAt });
    },
  );

  app.delete(
    '/v1/sip/users/:userId',
    {
      schema: {
        summary: 'Stop a user from REGISTERing (a registration in force lapses at its expiry)',
        tags,
        params: userParamsSchema,
        response: { 204: z.null().describe('deleted'), ...errorResponses },
      },
    },
    async (request, reply) => {
      if (!(await directory.deleteUser(request.params.userId))) {
        throw new CallhookError('not_found', `no SIP user ${request.params.userId}`, {
          userId: request.params.userId,
        });
      }
      return reply.code(204).send(null);
    },
  );
};
