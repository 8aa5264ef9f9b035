import { createReceiver } from '@callhook/sdk';
import express from 'express';

const receiver = createReceiver({ secret: process.env.CALLHOOK_SECRET! });
receiver.on('call.dtmf', (event) => console.log(`${event.callId}: pressed ${event.dtmf}`));

const app = express();
// Register the hook route before app.use(express.json()), or give it express.raw as here:
// the signature covers the raw bytes, which a JSON parser throws away.
app.post('/hooks', express.raw({ type: 'application/json' }), receiver.node);
app.use(express.json()); // the rest of the app may parse JSON as usual
app.listen(Number(process.env.PORT ?? 3000));
