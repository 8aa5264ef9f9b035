// Makes one delivery attempt: one POST to an endpoint, its outcome as data (never thrown).
// One shared undici Agent keeps connections alive per origin; its `connect.lookup` is the
// SSRF guard, so the address actually dialled is checked on every new connection.
// The Agent caps no origin's connections: a cap per origin (scheme + host + port) would be
// shared by every endpoint on that host, so one endpoint's hanging attempts could hold all of
// it and make the others wait, which docs/contract.md §4 forbids. Attempts are bounded per
// endpoint by the dispatcher's slots instead, so an origin's connections never exceed its
// endpoints' slots. A pool per endpoint would isolate as well, but would keep a pool per
// endpoint in memory and give up reusing idle connections across endpoints on one host.
// Redirects are not followed: undici's `request` only follows them through the redirect
// interceptor, which is not installed here. Interim 1xx responses (a receiver's `100
// Continue`) are dropped by the connector before undici reads them (interim-responses.ts).
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { type Clock, SystemClock } from '../clock.ts';
import { connectorSkippingInterimResponses } from './interim-responses.ts';
import { bareIp } from './ip-address-class.ts';
import { parseRetryAfter } from './retry-schedule.ts';
import { classifySendError, type SendErrorCode } from './send-error.ts';
import {
  guardedLookup,
  type HostResolver,
  systemResolver,
  type TargetPolicy,
} from './target-policy.ts';

/** At most this much of a response body is kept (for the delivery log). */
export const RESPONSE_BODY_LIMIT = 1024;
/** Past this many body bytes the connection is dropped instead of read to the end. */
const DRAIN_LIMIT = 64 * 1024;

export const DEFAULT_ATTEMPT_TIMEOUT_MS = 15_000;

export interface WebhookSenderOptions {
  /** Goes into `user-agent: callhook/<version>`. */
  version: string;
  policy: TargetPolicy;
  /** Resolves host names before the guard checks them; tests inject one. */
  resolve?: HostResolver;
  connectTimeoutMs?: number;
  /** How long an idle keep-alive connection is kept (a server's Keep-Alive hint may lower it). */
  keepAliveTimeoutMs?: number;
  /** Reads the time for Retry-After HTTP-dates. */
  clock?: Clock;
}

export interface SendRequest {
  url: string | URL;
  /** Webhook headers (webhook-id, webhook-signature, …), ready-made. */
  headers: Record<string, string>;
  body: string;
  /** The whole attempt — connect, headers and body — must finish within this. */
  timeoutMs?: number;
}

export interface AttemptResult {
  /** 2xx only; redirects and everything else are failures. */
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  /** The first RESPONSE_BODY_LIMIT bytes of the response, decoded as UTF-8. */
  responseBody: string;
  /** From Retry-After on a 429 or 503, the only statuses whose Retry-After we honour. */
  retryAfterMs?: number;
  error?: { code: SendErrorCode; message: string };
}

export class WebhookSender {
  private readonly agent: Agent;
  private readonly policy: TargetPolicy;
  private readonly userAgent: string;
  private readonly clock: Clock;

  constructor(options: WebhookSenderOptions) {
    this.policy = options.policy;
    this.userAgent = `callhook/${options.version}`;
    this.clock = options.clock ?? new SystemClock();
    this.agent = new Agent({
      // No `connections`: uncapped per origin (see the top of this file).
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
      // Per-request values (the attempt's timeoutMs) override these; the deadline signal
      // bounds the whole attempt either way.
      headersTimeout: DEFAULT_ATTEMPT_TIMEOUT_MS,
      bodyTimeout: DEFAULT_ATTEMPT_TIMEOUT_MS,
      connect: connectorSkippingInterimResponses({
        timeout: options.connectTimeoutMs ?? 10_000,
        lookup: guardedLookup(options.policy, options.resolve ?? systemResolver),
      }),
    });
  }

  async send(req: SendRequest): Promise<AttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const timeoutMs = req.timeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const url = new URL(req.url);
      // Node's connect skips `lookup` for IP literals, so the guard checks those here.
      const host = bareIp(url.hostname);
      if (isIP(host) !== 0) this.policy.checkAddress(host);
      const response = await request(url, {
        dispatcher: this.agent,
        method: 'POST',
        headers: this.headersFor(req.headers),
        body: req.body,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const responseBody = await readHead(response.body);
      const status = response.statusCode;
      const result: AttemptResult = {
        ok: status >= 200 && status < 300,
        statusCode: status,
        latencyMs: elapsed(),
        responseBody,
      };
      if (status === 429 || status === 503) {
        const retryAfterMs = parseRetryAfter(response.headers['retry-after'], this.clock.now());
        if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs;
      }
      // undici marks the connection idle a turn of the event loop after the body ends; a
      // send made before that would open a second connection instead of reusing this one.
      await setImmediate();
      return result;
    } catch (error) {
      const { code, message: cause } = classifySendError(error, signal);
      const message =
        code === 'timeout' ? `no complete answer within ${timeoutMs} ms (${cause})` : cause;
      return {
        ok: false,
        statusCode: null,
        latencyMs: elapsed(),
        responseBody: '',
        error: { code, message },
      };
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private headersFor(given: Record<string, string>): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(given)) headers[name.toLowerCase()] = value;
    headers['content-type'] = 'application/json';
    headers['user-agent'] = this.userAgent;
    return headers;
  }
}

/**
 * Keeps the first RESPONSE_BODY_LIMIT bytes and reads on (discarding) so the connection
 * can be reused; a body past DRAIN_LIMIT is cut off by destroying the stream instead.
 */
async function readHead(body: AsyncIterable<Buffer>): Promise<string> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let seen = 0;
  for await (const chunk of body) {
    if (keptBytes < RESPONSE_BODY_LIMIT) {
      const part = chunk.subarray(0, RESPONSE_BODY_LIMIT - keptBytes);
      kept.push(part);
      keptBytes += part.length;
    }
    seen += chunk.length;
    if (seen > DRAIN_LIMIT) break; // leaving the loop destroys the body and its socket
  }
  return Buffer.concat(kept).toString('utf8');
}
