import { randomUUID } from 'node:crypto';
import { EVENT_TYPES } from '@callhook/sdk';
import type pg from 'pg';
import type { ChangeNotice } from '../change-feed.ts';
import { InProcessChangeFeed } from '../in-process-change-feed.ts';
import { createClient, type PgPoolOptions } from './pg-connection.ts';

// The change feed of a database several nodes write (store/change-feed.ts): a writer NOTIFYs in
// its transaction, so every node LISTENing hears it at commit; it also tells its own process at
// once, after the commit. A notice is only a hint, so what could lose one — a LISTEN connection
// that broke, a node that was down — is covered by a poll of the log's end, every `pollMs`,
// which is the bound on how late another node's events can be noticed.

const CHANNEL = 'callhook_changes';

interface Wire {
  from: string;
  notice: ChangeNotice;
}

export interface PgChangeFeedOptions extends PgPoolOptions {
  /** Longest time another node's change can go unnoticed (default 1,000 ms). */
  pollMs?: number;
  /** Reads the log's last position (the poll). */
  lastPosition: () => Promise<number>;
}

export class PgChangeFeed extends InProcessChangeFeed {
  /** Tells this node's own notices from other nodes'. */
  private readonly token = randomUUID();
  private listener: pg.Client | null = null;
  private poll: NodeJS.Timeout | null = null;
  private reconnect: NodeJS.Timeout | null = null;
  private closed = false;
  private lastSeen = 0;

  constructor(private readonly options: PgChangeFeedOptions) {
    super();
  }

  async start(): Promise<void> {
    this.lastSeen = await this.options.lastPosition();
    await this.listen();
    this.poll = setInterval(() => void this.checkLog(), this.options.pollMs ?? 1000);
    this.poll.unref();
  }

  /** NOTIFY `notice` inside the writer's transaction: other nodes hear it at its commit. */
  async notifyIn(client: pg.ClientBase, notice: ChangeNotice): Promise<void> {
    const wire: Wire = { from: this.token, notice };
    await client.query({
      name: 'feed-1',
      text: 'SELECT pg_notify($1, $2)',
      values: [CHANNEL, JSON.stringify(wire)],
    });
  }

  /**
   * The channel and this node's token, for a writer that NOTIFYs from SQL (the group commit's
   * function, pg-migrations.ts v7): its notice must read as notifyIn's.
   */
  get wire(): { channel: string; from: string } {
    return { channel: CHANNEL, from: this.token };
  }

  /** After this node's own commit. */
  override publish(notice: ChangeNotice): void {
    if (notice.events) this.lastSeen = Math.max(this.lastSeen, notice.events.lastPosition);
    super.publish(notice);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.poll) clearInterval(this.poll);
    if (this.reconnect) clearTimeout(this.reconnect);
    const client = this.listener;
    this.listener = null;
    await client?.end().catch(() => {});
  }

  private async listen(): Promise<void> {
    const client = createClient(this.options);
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      let wire: Wire;
      try {
        wire = JSON.parse(message.payload) as Wire;
      } catch {
        return;
      }
      if (wire.from !== this.token) this.publish({ ...wire.notice, fromAnotherNode: true });
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.listener = client;
  }

  /** The LISTEN connection broke: connect again, then assume anything may have changed. */
  private lost(client: pg.Client): void {
    if (this.closed || this.listener !== client) return;
    this.listener = null;
    const retry = (delay: number) => {
      this.reconnect = setTimeout(async () => {
        if (this.closed) return;
        try {
          await this.listen();
          this.publish({ endpoints: true, deliveries: true, fromAnotherNode: true });
          await this.checkLog();
        } catch {
          retry(Math.min(delay * 2, 10_000));
        }
      }, delay);
      this.reconnect.unref();
    };
    retry(100);
  }

  private async checkLog(): Promise<void> {
    if (this.closed) return;
    let last: number;
    try {
      last = await this.options.lastPosition();
    } catch {
      return; // the database is away; the next poll tries again
    }
    if (last > this.lastSeen) {
      this.publish({
        events: { types: [...EVENT_TYPES], lastPosition: last },
        deliveries: true,
        fromAnotherNode: true,
      });
    }
  }
}
