/** An answer of the API that was not 2xx, with the error envelope's stable code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface ErrorEnvelope {
  error?: { code?: unknown; message?: unknown };
}

/** The ApiError of a failed response: its envelope's code and message, or the bare status. */
export async function apiErrorOf(response: Response): Promise<ApiError> {
  let envelope: ErrorEnvelope = {};
  try {
    envelope = (await response.json()) as ErrorEnvelope;
  } catch {
    // not JSON (a proxy's page): the status says enough
  }
  const code = typeof envelope.error?.code === 'string' ? envelope.error.code : 'http_error';
  const message =
    typeof envelope.error?.message === 'string'
      ? envelope.error.message
      : `HTTP ${response.status} ${response.statusText}`;
  return new ApiError(response.status, code, message);
}

/** A one-line description of any failure, for the page. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.code}, HTTP ${error.status})`;
  if (error instanceof Error) return error.message;
  return String(error);
}
