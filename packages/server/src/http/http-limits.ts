// Bounds on what one client can hold of the HTTP server (slowloris, idle floods, SSE fan-out),
// each with a default fit for a single node behind a proxy. All are per node.

export interface HttpLimits {
  /** Open connections at most; more are closed as they arrive. Default 4096. */
  maxConnections: number;
  /** Time to receive a request's headers, from its first byte (or the connection). Default 10 s. */
  headersTimeoutMs: number;
  /** Time to receive a whole request (headers and body). Default 30 s. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. Default 72 s (above common proxies' 60 s). */
  keepAliveTimeoutMs: number;
  /** A connection silent both ways this long is closed (SSE pings every 15 s). Default 120 s. */
  socketIdleTimeoutMs: number;
  /** Event streams one API key may hold open at once. Default 32. */
  maxStreamsPerKey: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  maxConnections: 4096,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 72_000,
  socketIdleTimeoutMs: 120_000,
  maxStreamsPerKey: 32,
};
