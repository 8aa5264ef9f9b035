import { Pool } from 'undici';
import { type CallScript, callScript } from './call-script.ts';
import { commandRequest } from './command-request.ts';
import { LatencyRecorder, type LatencySummary } from './latency-recorder.ts';
import { type Pacer, ratePacer, UNPACED } from './rate-pacer.ts';
import type { ScriptStep } from './script-builder.ts';
import type { TrafficMix } from './traffic-mix.ts';

// Drives a server with call scripts: `concurrency` calls at once, each call's commands in
// order (a call is a conversation, not a burst), over one keep-alive undici Pool. Bounded in
// count (`calls`) and in time (`timeLimitMs`: no call starts after it). Stopped early by
// `signal` (Ctrl-C): no new call or step starts, and each call in progress is ended
// (POST …/end), so a stopped simulation leaves no call active.

export interface TrafficOptions {
  server: URL;
  apiKey: string;
  calls: number;
  concurrency: number;
  seed: number;
  mix: TrafficMix;
  /** Offered load; as fast as the concurrency allows when absent. */
  rate?: { perSecond: number; unit: 'commands' | 'events' };
  timeLimitMs: number;
  /** The script of call `index`; by default `callScript(seed, index, mix)`. */
  scriptOf?: (index: number) => CallScript;
  onProgress?: (progress: TrafficProgress) => void;
  progressIntervalMs?: number;
  /** Every 2xx, with the seqs it emitted; for end-to-end latency (the bench). */
  onAck?: (ack: CommandAck) => void;
  requestTimeoutMs?: number;
  /** Aborting it stops the run: calls in progress are ended, none is started. */
  signal?: AbortSignal;
}

export interface CommandAck {
  callId: string;
  /** The seqs this command emitted are firstSeq..lastSeq (none when firstSeq > lastSeq). */
  firstSeq: number;
  lastSeq: number;
  /** process.hrtime in ms: one monotonic clock for every process on this machine. */
  atMs: number;
}

export interface TrafficProgress {
  elapsedMs: number;
  callsStarted: number;
  callsDone: number;
  commandsOk: number;
  commandsFailed: number;
  events: number;
}

export interface TrafficResult {
  durationMs: number;
  stoppedBy: 'calls' | 'time' | 'interrupt';
  calls: {
    planned: number;
    started: number;
    completed: number;
    failed: number;
    /** With stoppedBy 'interrupt': calls cut short, each ended by POST …/end. */
    endedOnInterrupt?: number;
  };
  commands: { ok: number; failed: number };
  events: number;
  /** Commands whose event count differed from the contract's (a correct server has none). */
  eventCountMismatches: number;
  /** Failed commands by error code (the API's `error.code`, `http_<status>`, or a network code). */
  errors: Record<string, number>;
  latency: LatencySummary;
}

export async function runTraffic(options: TrafficOptions): Promise<TrafficResult> {
  const { server, calls, concurrency, signal } = options;
  const scriptOf = options.scriptOf ?? ((i: number) => callScript(options.seed, i, options.mix));
  const pacer: Pacer = options.rate ? ratePacer(options.rate.perSecond) : UNPACED;
  const perEvent = options.rate?.unit === 'events';
  const basePath = server.pathname.replace(/\/$/, '');
  const timeout = options.requestTimeoutMs ?? 30_000;
  const pool = new Pool(server.origin, {
    connections: concurrency,
    keepAliveTimeout: 30_000,
    headersTimeout: timeout,
    bodyTimeout: timeout,
  });
  const headers = { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' };
  const latency = new LatencyRecorder();
  const errors: Record<string, number> = {};
  const p = { started: 0, completed: 0, failed: 0, ok: 0, bad: 0, events: 0, mismatches: 0 };
  let endedOnInterrupt = 0;
  const t0 = performance.now();
  const deadline = t0 + options.timeLimitMs;

  const progress = (): TrafficProgress => ({
    elapsedMs: performance.now() - t0,
    callsStarted: p.started,
    callsDone: p.completed + p.failed,
    commandsOk: p.ok,
    commandsFailed: p.bad,
    events: p.events,
  });
  const ticker = options.onProgress
    ? setInterval(() => options.onProgress!(progress()), options.progressIntervalMs ?? 500)
    : undefined;

  const fail = (code: string) => {
    p.bad++;
    errors[code] = (errors[code] ?? 0) + 1;
  };

  /** Sends one step; the new call state's id and lastSeq, or undefined when it failed. */
  const send = async (step: ScriptStep, callId: string | undefined) => {
    const req = commandRequest(step, callId);
    const started = performance.now();
    let status: number;
    let text: string;
    try {
      const res = await pool.request({
        method: req.method,
        path: `${basePath}${req.path}`,
        headers: req.body === undefined ? { authorization: headers.authorization } : headers,
        ...(req.body !== undefined && { body: req.body }),
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (error) {
      fail(networkCodeOf(error));
      return undefined;
    }
    latency.record(performance.now() - started);
    if (status < 200 || status > 299) {
      fail(apiCodeOf(status, text));
      return undefined;
    }
    p.ok++;
    return JSON.parse(text) as { callId: string; lastSeq: number };
  };

  const runCall = async (script: CallScript) => {
    let callId: string | undefined;
    let lastSeq = 0;
    for (const step of script.steps) {
      await pacer.acquire(perEvent ? step.events : 1, signal);
      if (signal?.aborted) {
        // Cut short: the call created so far is ended, not left active.
        const ended =
          callId === undefined ? undefined : await send({ op: 'end', events: 1 }, callId);
        if (ended) {
          endedOnInterrupt++;
          p.events += ended.lastSeq - lastSeq;
        }
        return;
      }
      if (callId === undefined) p.started++; // a call is started when its create is sent
      const view = await send(step, callId);
      if (view === undefined) {
        p.failed++; // the rest of this call's script would only fail too
        return;
      }
      callId = view.callId;
      const emitted = view.lastSeq - lastSeq;
      if (options.onAck) {
        const atMs = Number(process.hrtime.bigint()) / 1e6;
        options.onAck({ callId, firstSeq: lastSeq + 1, lastSeq: view.lastSeq, atMs });
      }
      p.events += emitted;
      if (emitted !== step.events) p.mismatches++;
      lastSeq = view.lastSeq;
    }
    p.completed++;
  };

  let next = 0;
  let stoppedBy: TrafficResult['stoppedBy'] = 'calls';
  const worker = async () => {
    while (next < calls) {
      if (signal?.aborted) return;
      if (performance.now() >= deadline) {
        stoppedBy = 'time';
        return;
      }
      const index = next++;
      await runCall(scriptOf(index));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, calls)) }, worker));
  } finally {
    if (ticker) clearInterval(ticker);
    await pool.close();
  }
  return {
    durationMs: performance.now() - t0,
    stoppedBy: signal?.aborted ? 'interrupt' : stoppedBy,
    calls: {
      planned: calls,
      started: p.started,
      completed: p.completed,
      failed: p.failed,
      ...(signal?.aborted && { endedOnInterrupt }),
    },
    commands: { ok: p.ok, failed: p.bad },
    events: p.events,
    eventCountMismatches: p.mismatches,
    errors,
    latency: latency.summary(),
  };
}

function apiCodeOf(status: number, text: string): string {
  try {
    const code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
    if (typeof code === 'string') return code;
  } catch {
    // not the API's envelope
  }
  return `http_${status}`;
}

/** The innermost error code of a failed request (ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT, …). */
function networkCodeOf(error: unknown): string {
  let found = 'network_error';
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') found = code;
  }
  return found;
}
