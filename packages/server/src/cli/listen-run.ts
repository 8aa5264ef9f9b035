import {
  type CallEventType,
  callEventTypeSchema,
  safeParseCallEvent,
  Webhook,
} from '@callhook/sdk';
import { type ApiClient, exitWithClientError } from './api-client.ts';
import type { EventPage } from './api-types.ts';
import { clientFrom } from './client-options.ts';
import { type ForwardedEvent, type ForwardResult, forwardEvent } from './event-forwarder.ts';
import { followEventStream } from './event-stream-follower.ts';
import { parseEventTypes } from './event-type-option.ts';
import type { ListenOptions } from './listen-command.ts';
import { listenSecretsFile, stableListenSecret } from './listen-secret.ts';
import { failWith } from './option-parsers.ts';
import type { SseMessage } from './sse-reader.ts';

// Runs `callhook listen` (options in listen-command.ts): follows the event stream and forwards
// each event to --forward-to, signed as a real delivery.

export async function listen(options: ListenOptions): Promise<void> {
  const target = forwardTarget(options.forwardTo);
  const types = options.types === undefined ? undefined : parseEventTypes(options.types);
  const api = clientFrom(options);
  const secret = options.secret ?? stableListenSecret(api.serverUrl);
  checkSecret(secret);
  const json = options.json === true;
  // In --json mode stdout carries only the event lines; messages go to stderr.
  const say = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);

  if (options.secret === undefined) {
    say(
      `Your webhook signing secret is ${secret} (use it in your bot; the same on every run against this server, kept in ${listenSecretsFile()})`,
    );
  } else {
    say('Signing with the secret given in --secret');
  }

  const stopping = new AbortController();
  const stop = () => {
    if (stopping.signal.aborted) process.exit(130); // a second Ctrl-C: no more waiting
    stopping.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const what = types ? types.join(', ') : 'all events';
  // callhook-previous-seq: per call, the seq this listener forwarded last.
  const lastSeq = new Map<string, number>();
  try {
    await followEventStream({
      api,
      signal: stopping.signal,
      ...(types && { types }),
      onConnect: (resumed) =>
        say(
          resumed
            ? 'Reconnected to the event stream; resuming where it stopped'
            : `Ready! Forwarding ${what} from ${api.server} to ${target.href} (Ctrl-C to stop)`,
        ),
      onDisconnect: (reason, retryInMs) =>
        process.stderr.write(
          `callhook: lost the event stream (${reason}); reconnecting in ${retryInMs / 1000} s\n`,
        ),
      onEvent: async (message) => {
        const event = await describeEvent(api, message, lastSeq, stopping.signal);
        if (event.eventType === 'call.ended') lastSeq.delete(event.callId);
        else lastSeq.set(event.callId, event.seq);
        const result = await forwardEvent(target, secret, event, {
          signal: stopping.signal,
        });
        if (stopping.signal.aborted) return;
        process.stdout.write(`${json ? jsonLine(event, result) : textLine(event, result)}\n`);
      },
    });
  } catch (error) {
    exitWithClientError(error);
  }
  say('Stopped.');
  // Idle keep-alive sockets of fetch would hold the process for a few seconds more.
  process.exit(0);
}

/**
 * What a delivery needs beyond the SSE frame. The stream's `id:` is the log position and its
 * body holds no seq, so the event's UUID (webhook-id) and seq come from the event log:
 * the first event after position - 1 is the one at that position.
 */
async function describeEvent(
  api: ApiClient,
  message: SseMessage,
  lastSeq: ReadonlyMap<string, number>,
  signal: AbortSignal,
): Promise<ForwardedEvent> {
  const position = Number(message.id);
  if (!Number.isSafeInteger(position) || position < 1) {
    throw new Error(`the event stream sent id '${message.id}', not a log position`);
  }
  const page = await api.request<EventPage>('GET', '/v1/events', {
    query: { after: position - 1, limit: 1 },
    signal,
  });
  const stored = page.events[0];
  if (!stored || page.nextCursor !== message.id) {
    throw new Error(`event ${message.id} of the stream is not in the event log`);
  }
  const parsed = safeParseCallEvent(message.data);
  const type = callEventTypeSchema.safeParse(message.event);
  const callId = parsed.success ? parsed.data.callId : stored.callId;
  return {
    eventId: stored.id,
    eventType: type.success ? type.data : (stored.type as CallEventType),
    callId,
    seq: stored.seq,
    previousSeq: lastSeq.get(callId) ?? 0,
    body: message.data,
  };
}

function textLine(event: ForwardedEvent, result: ForwardResult): string {
  const outcome = 'status' in result ? String(result.status) : `error: ${result.error}`;
  return [
    new Date().toISOString(),
    event.eventType.padEnd(18),
    event.callId,
    `seq ${event.seq}`.padEnd(7),
    `→ ${outcome} (${result.latencyMs} ms)`,
  ].join('  ');
}

function jsonLine(event: ForwardedEvent, result: ForwardResult): string {
  // The same fields as before callhook-previous-seq: scripts read these lines.
  const { body: _body, previousSeq: _previousSeq, ...meta } = event;
  return JSON.stringify({ time: new Date().toISOString(), ...meta, ...result });
}

function forwardTarget(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return failWith(
      `--forward-to must be a URL such as http://localhost:3000/hooks, not '${text}'`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    failWith(`--forward-to must be an http:// or https:// URL, not '${text}'`);
  }
  return url;
}

function checkSecret(secret: string): void {
  try {
    new Webhook(secret);
  } catch (error) {
    failWith(`--secret: ${(error as Error).message}`);
  }
}
