import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A webhook receiver on loopback that answers whatever status the test sets, and counts. */
export class SwitchableReceiver {
  status = 500;
  readonly received: { status: number; eventType: string; webhookId: string }[] = [];
  private server: Server | null = null;

  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const status = this.status;
        this.received.push({
          status,
          eventType: String(req.headers['callhook-event-type']),
          webhookId: String(req.headers['webhook-id']),
        });
        res.writeHead(status, { 'content-type': 'text/plain' }).end(`answered ${status}`);
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
