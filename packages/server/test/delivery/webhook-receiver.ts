// A webhook receiver on 127.0.0.1 for dispatcher tests: verifies every request with the
// `standardwebhooks` package (an implementation independent of ours), records it, checks on
// arrival that the call's earlier seqs were all answered 2xx, and misbehaves on demand.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook as StandardWebhook } from 'standardwebhooks';

export interface ReceivedRequest {
  eventId: string;
  callId: string;
  seq: number;
  /** callhook-previous-seq. */
  previousSeq: number;
  attempt: number;
  eventType: string;
  timestamp: number;
  body: string;
  /** Why the signature did not verify, or null. */
  signatureError: string | null;
  /** How many requests for this event came before this one. */
  earlier: number;
}

/** `hang` never answers; `reset` drops the connection; `delayMs` answers late (real time). */
export type Reply =
  | { status: number; headers?: Record<string, string>; body?: string; delayMs?: number }
  | 'hang'
  | 'reset';

export interface ReceiverOptions {
  secret: string;
  /** Listen on this port (to bring a receiver up where a closed port was). */
  port?: number;
  /** Decides each answer; 200 when absent. */
  behave?: (request: ReceivedRequest) => Reply;
}

export interface Receiver {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  /** Requests that came before every earlier seq of their call was answered 2xx. */
  orderViolations: string[];
  /** Requests received and not answered yet (hung ones included), and the most there were. */
  readonly open: number;
  readonly maxOpen: number;
  /** Seqs answered 2xx per call, in answer order. */
  accepted(callId: string): number[];
  waitFor(condition: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  const verifier = new StandardWebhook(options.secret);
  const requests: ReceivedRequest[] = [];
  const orderViolations: string[] = [];
  const accepted = new Map<string, number[]>();
  const sockets = new Set<Socket>();
  let open = 0;
  let maxOpen = 0;

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const header = (name: string) => String(req.headers[name] ?? '');
    let signatureError: string | null = null;
    try {
      verifier.verify(body, req.headers as Record<string, string>);
    } catch (error) {
      signatureError = (error as Error).message;
    }
    const eventId = header('webhook-id');
    const request: ReceivedRequest = {
      eventId,
      callId: header('callhook-call-id'),
      seq: Number(header('callhook-seq')),
      previousSeq: Number(header('callhook-previous-seq')),
      attempt: Number(header('callhook-attempt')),
      eventType: header('callhook-event-type'),
      timestamp: Number(header('webhook-timestamp')),
      body,
      signatureError,
      earlier: requests.filter((r) => r.eventId === eventId).length,
    };
    requests.push(request);
    open += 1;
    maxOpen = Math.max(maxOpen, open);
    const done = accepted.get(request.callId) ?? [];
    for (let s = 1; s < request.seq; s += 1) {
      if (!done.includes(s)) {
        orderViolations.push(`call ${request.callId} seq ${request.seq} came before seq ${s}`);
        break;
      }
    }
    const reply = options.behave?.(request) ?? { status: 200 };
    if (reply === 'hang') return;
    if (reply === 'reset') {
      open -= 1;
      req.socket.destroy();
      return;
    }
    const answer = () => {
      open -= 1;
      if (reply.status >= 200 && reply.status < 300) {
        accepted.set(request.callId, [...(accepted.get(request.callId) ?? []), request.seq]);
      }
      res.writeHead(reply.status, reply.headers).end(reply.body ?? '');
    };
    if (reply.delayMs) setTimeout(answer, reply.delayMs);
    else answer();
  };

  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => handle(req, res, body));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    requests,
    orderViolations,
    get open() {
      return open;
    },
    get maxOpen() {
      return maxOpen;
    },
    accepted: (callId) => accepted.get(callId) ?? [],
    async waitFor(condition, timeoutMs = 5_000) {
      const deadline = performance.now() + timeoutMs;
      while (!condition()) {
        if (performance.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
        await sleep(5);
      }
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
