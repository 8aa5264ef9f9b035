import type { ChangeFeed } from '../store/change-feed.ts';
import type { CallStore, StoredEvent } from '../store/port.ts';
import type { SipLog } from './sip-leg.ts';

// API → SIP reads what committed: after each change notice naming one of `types`, the events of
// those types appended since the last read are handed over one by one, in log order. So the
// SIP side reacts to the API's removals, ends and invites exactly as they were stored, and
// never by hooking into the call service.

const PAGE = 500;

export interface CommittedEventsOptions {
  events: CallStore;
  changes: ChangeFeed;
  types: readonly string[];
  onEvent(event: StoredEvent): void;
  log: SipLog;
}

export class CommittedEvents {
  private cursor = 0;
  private unsubscribe: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly options: CommittedEventsOptions) {}

  /** Starts from the end of the log: what committed before the start is not handed over. */
  async start(): Promise<void> {
    this.cursor = await this.options.events.lastEventPosition();
    this.unsubscribe = this.options.changes.subscribe((notice) => {
      if (notice.events?.types.some((t) => this.options.types.includes(t))) this.wake();
    });
  }

  stop(): void {
    this.unsubscribe?.();
  }

  private wake(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error: unknown) =>
        this.options.log.warn({ err: error }, 'SIP: reading the event log failed'),
      )
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const page = await this.options.events.readEvents({
        after: this.cursor,
        types: this.options.types,
        limit: PAGE,
      });
      for (const event of page) {
        this.cursor = event.position;
        this.options.onEvent(event);
      }
      if (page.length < PAGE) return;
    }
  }
}
