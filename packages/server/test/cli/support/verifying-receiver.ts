import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook as StandardWebhook } from 'standardwebhooks';

// A bot's webhook endpoint on 127.0.0.1 for `callhook listen` tests. Signatures are checked
// with the `standardwebhooks` package, an implementation independent of ours.

export interface ReceivedHook {
  headers: IncomingMessage['headers'];
  body: string;
  /** Why the signature did not verify, or null when it did. */
  signatureError: string | null;
}

/** How to answer one request: a status, or 'reset' to drop the connection unanswered. */
export type Answer = number | 'reset';

export interface VerifyingReceiver {
  url: string;
  hooks: ReceivedHook[];
  /** The secret to verify with; settable because `listen` prints it only once started. */
  secret: string | undefined;
  /** Resolves once `count` requests came in; rejects after `timeoutMs`. */
  waitForHooks(count: number, timeoutMs?: number): Promise<ReceivedHook[]>;
  close(): Promise<void>;
}

export async function startVerifyingReceiver(
  answer: (hook: ReceivedHook, index: number) => Answer = () => 200,
): Promise<VerifyingReceiver> {
  const hooks: ReceivedHook[] = [];
  const waiters = new Set<() => void>();
  const receiver: VerifyingReceiver = {
    url: '',
    hooks,
    secret: undefined,
    waitForHooks: (count, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (hooks.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hooks.slice(0, count));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`got ${hooks.length} of ${count} webhooks in ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const hook: ReceivedHook = { headers: req.headers, body, signatureError: null };
      try {
        if (receiver.secret === undefined) throw new Error('the test set no secret');
        new StandardWebhook(receiver.secret).verify(body, {
          'webhook-id': String(req.headers['webhook-id']),
          'webhook-timestamp': String(req.headers['webhook-timestamp']),
          'webhook-signature': String(req.headers['webhook-signature']),
        });
      } catch (error) {
        hook.signatureError = (error as Error).message;
      }
      const reply = answer(hook, hooks.length);
      hooks.push(hook);
      if (reply === 'reset') req.socket.destroy();
      else res.writeHead(reply, { 'content-type': 'text/plain' }).end('ok');
      for (const waiter of [...waiters]) waiter();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}
