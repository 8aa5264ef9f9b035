// app/hooks/route.ts in a Next.js (App Router) project: POST /hooks.
import { createReceiver } from '@callhook/sdk';

const receiver = createReceiver({ secret: process.env.CALLHOOK_SECRET! });
receiver.on('call.dtmf', (event) => console.log(`${event.callId}: pressed ${event.dtmf}`));

// Route handlers get a web Request; do not read it (request.json()) before the receiver.
export async function POST(request: Request): Promise<Response> {
  return receiver.web(request);
}
