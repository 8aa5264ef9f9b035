import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook as StandardWebhook } from 'standardwebhooks';

export interface Arrival {
  webhookId: string;
  callId: string;
  seq: number;
  type: string;
  attempt: number;
  body: Record<string, unknown>;
}

/**
 * A webhook receiver on loopback that verifies every request with the `standardwebhooks`
 * package (not our SDK) and records what arrived, in arrival order.
 */
export class RecordingReceiver {
  readonly arrivals: Arrival[] = [];
  readonly rejected: string[] = [];
  private server: Server | null = null;
  private verifier: StandardWebhook | null = null;
  private waiters: (() => void)[] = [];

  constructor(private readonly delayMs = 0) {}

  /** The endpoint's secret, known once the endpoint is created. */
  setSecret(secret: string): void {
    this.verifier = new StandardWebhook(secret);
  }

  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const h = req.headers as Record<string, string>;
        try {
          if (!this.verifier) throw new Error('no secret yet');
          const body = this.verifier.verify(raw, h) as Record<string, unknown>;
          this.arrivals.push({
            webhookId: h['webhook-id']!,
            callId: h['callhook-call-id']!,
            seq: Number(h['callhook-seq']),
            type: h['callhook-event-type']!,
            attempt: Number(h['callhook-attempt']),
            body,
          });
          for (const w of this.waiters.splice(0)) w();
          setTimeout(() => res.writeHead(204).end(), this.delayMs);
        } catch (err) {
          this.rejected.push(String(err));
          res.writeHead(401).end();
        }
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  /** Distinct webhook ids received. */
  distinct(): number {
    return new Set(this.arrivals.map((a) => a.webhookId)).size;
  }

  /** Resolves once `predicate` holds, or rejects after `timeoutMs` of real time. */
  async until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
