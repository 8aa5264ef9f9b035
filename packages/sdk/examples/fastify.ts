import { createReceiver } from '@callhook/sdk';
import Fastify from 'fastify';

const receiver = createReceiver({ secret: process.env.CALLHOOK_SECRET! });
receiver.on('call.dtmf', (event) => console.log(`${event.callId}: pressed ${event.dtmf}`));

const app = Fastify();
// Keep the bytes: the signature covers them, Fastify's JSON parser would throw them away.
// Inside a plugin (app.register) this applies to that plugin's routes only.
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
  done(null, body),
);
app.post('/hooks', async (request, reply) => {
  const result = await receiver.receive({
    rawBody: request.body as Buffer,
    headers: request.headers,
  });
  return reply
    .code(result.status)
    .headers(result.headers ?? {})
    .send(result.body);
});
await app.listen({ port: Number(process.env.PORT ?? 3000) });
