// A small typed client of the callhook HTTP API (docs/contract.md §3) for the CLI's client commands.
// Failures become two error classes that print as one readable line each.

/** The server answered with an error (the envelope `{"error": {"code", "message"}}`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** No HTTP answer at all: connection refused, DNS failure, TLS error, timeout. */
export class ServerUnreachableError extends Error {
  constructor(
    readonly serverUrl: string,
    readonly reason: string,
  ) {
    super(`cannot reach the callhook server at ${serverUrl} — is \`callhook serve\` running?`);
    this.name = 'ServerUnreachableError';
  }
}

export type Query = Record<string, string | number | undefined>;

export interface RequestOptions {
  body?: unknown;
  query?: Query;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export class ApiClient {
  constructor(
    readonly serverUrl: URL,
    private readonly apiKey: string,
  ) {}

  /** The server's origin and base path, as users wrote it (for messages). */
  get server(): string {
    return this.serverUrl.href.replace(/\/$/, '');
  }

  /** A JSON request; resolves with the parsed body of a 2xx answer, throws otherwise. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const { body, ...rest } = options;
    const response = await this.open(path, {
      ...rest,
      method,
      ...(body !== undefined && {
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...rest.headers },
      }),
    });
    const text = await response.text();
    if (!response.ok) throw apiErrorOf(response, text);
    return (text ? JSON.parse(text) : {}) as T;
  }

  /**
   * The raw response of any request with the API key on (the event stream reads its body
   * itself). Non-2xx answers are returned too; use `errorOf` to turn one into an ApiError.
   */
  async open(
    path: string,
    init: {
      method?: string;
      query?: Query;
      headers?: Record<string, string>;
      body?: string;
      signal?: AbortSignal;
    } = {},
  ): Promise<Response> {
    try {
      return await fetch(this.urlOf(path, init.query), {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${this.apiKey}`, ...init.headers },
        ...(init.body !== undefined && { body: init.body }),
        ...(init.signal && { signal: init.signal }),
        redirect: 'manual',
      });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new ServerUnreachableError(this.server, causeOf(error));
    }
  }

  /** Reads a failed response into an ApiError. */
  async errorOf(response: Response): Promise<ApiError> {
    return apiErrorOf(response, await response.text().catch(() => ''));
  }

  private urlOf(path: string, query: Query = {}): URL {
    const url = new URL(this.serverUrl.href);
    url.pathname = `${url.pathname.replace(/\/$/, '')}${path}`;
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url;
  }
}

function apiErrorOf(response: Response, text: string): ApiError {
  try {
    const envelope = JSON.parse(text) as {
      error?: { code?: unknown; message?: unknown; details?: unknown };
    };
    const { code, message, details } = envelope.error ?? {};
    if (typeof code === 'string' && typeof message === 'string') {
      return new ApiError(response.status, code, message, details);
    }
  } catch {
    // not JSON: a proxy's page, or not a callhook server at all
  }
  const snippet = text.trim().slice(0, 200);
  return new ApiError(
    response.status,
    'http_error',
    `${response.statusText || 'unexpected answer'}${snippet ? `: ${snippet}` : ''} (is --server a callhook server?)`,
  );
}

/** The innermost reason fetch failed ("connect ECONNREFUSED 127.0.0.1:8080"). */
export function causeOf(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause !== undefined) current = current.cause;
  if (current instanceof AggregateError && current.errors.length > 0) {
    current = current.errors[0];
  }
  return current instanceof Error ? current.message : String(current);
}

/** One line for the user: `409 invalid_transition — user alice is not joined`. */
export function describeClientError(error: unknown): string {
  if (error instanceof ApiError) return `${error.status} ${error.code} — ${error.message}`;
  if (error instanceof ServerUnreachableError) return `${error.message} (${error.reason})`;
  return error instanceof Error ? error.message : String(error);
}

/** Prints a client error and exits with status 1 (the request failed; the usage was fine). */
export function exitWithClientError(error: unknown): never {
  process.stderr.write(`callhook: ${describeClientError(error)}\n`);
  process.exit(1);
}

/** Runs a command's action, turning any failure into one line and exit 1. */
export function clientAction<A extends unknown[]>(
  action: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await action(...args);
    } catch (error) {
      exitWithClientError(error);
    }
  };
}
