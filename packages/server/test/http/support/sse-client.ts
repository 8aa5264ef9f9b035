import type { IncomingMessage } from 'node:http';
import { request } from 'node:http';

export interface SseFrame {
  id: string;
  event: string;
  data: string;
}

/**
 * A minimal Server-Sent Events reader over a real socket. It records frames and comment
 * lines as they arrive; `until` resolves as soon as a condition holds (no sleeping).
 */
export class SseClient {
  readonly frames: SseFrame[] = [];
  readonly comments: string[] = [];
  ended = false;
  private buffer = '';
  private waiters: { check: () => boolean; resolve: () => void; reject: (e: Error) => void }[] = [];

  private constructor(readonly response: IncomingMessage) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end = this.buffer.indexOf('\n\n');
      while (end >= 0) {
        this.parse(this.buffer.slice(0, end));
        this.buffer = this.buffer.slice(end + 2);
        end = this.buffer.indexOf('\n\n');
      }
      this.settle();
    });
    const finish = () => {
      this.ended = true;
      this.settle();
    };
    response.on('end', finish);
    response.on('close', finish);
    response.on('error', finish);
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = request(url, { headers }, (res) => resolve(new SseClient(res)));
      req.on('error', reject);
      req.end();
    });
  }

  get status(): number {
    return this.response.statusCode ?? 0;
  }

  /** Resolves once `check()` is true; rejects if the stream ends first. */
  until(check: () => boolean, what: string): Promise<void> {
    if (check()) return Promise.resolve();
    if (this.ended) return Promise.reject(new Error(`stream ended before: ${what}`));
    return new Promise((resolve, reject) =>
      this.waiters.push({
        check,
        resolve,
        reject: (e) => reject(new Error(`${e.message}: ${what}`)),
      }),
    );
  }

  untilFrames(n: number): Promise<void> {
    return this.until(() => this.frames.length >= n, `${n} frames (have ${this.frames.length})`);
  }

  /** Hangs up, as a client going away mid-stream. */
  close(): void {
    this.response.destroy();
  }

  private parse(block: string): void {
    const frame: Partial<SseFrame> = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else if (line.startsWith('id: ')) frame.id = line.slice(4);
      else if (line.startsWith('event: ')) frame.event = line.slice(7);
      else if (line.startsWith('data: ')) frame.data = line.slice(6);
    }
    if (frame.id !== undefined) this.frames.push(frame as SseFrame);
  }

  private settle(): void {
    this.waiters = this.waiters.filter((w) => {
      if (w.check()) {
        w.resolve();
        return false;
      }
      if (this.ended) {
        w.reject(new Error('stream ended'));
        return false;
      }
      return true;
    });
  }
}

/** Yields to the event loop until `check()` holds (for server-side effects of a hang-up). */
export async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    if (check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`never happened: ${what}`);
}
