import { createServer } from 'node:http';
import { createReceiver } from '@callhook/sdk';

const receiver = createReceiver({ secret: process.env.CALLHOOK_SECRET! });
receiver.on('call.dtmf', (event) => console.log(`${event.callId}: pressed ${event.dtmf}`));

// The receiver reads the raw body itself: nothing else may read the request first.
createServer(receiver.node).listen(Number(process.env.PORT ?? 3000));
