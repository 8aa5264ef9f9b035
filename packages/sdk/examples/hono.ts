import { createReceiver } from '@callhook/sdk';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const receiver = createReceiver({ secret: process.env.CALLHOOK_SECRET! });
receiver.on('call.dtmf', (event) => console.log(`${event.callId}: pressed ${event.dtmf}`));

const app = new Hono();
// Hand over the untouched Request: do not call c.req.json() or c.req.text() before.
app.post('/hooks', (c) => receiver.web(c.req.raw));
serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000) });
