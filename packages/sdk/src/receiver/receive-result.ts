/** The HTTP answer to one delivery, independent of the transport. */
export interface ReceiveResult {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/** Handled (or already handled: a duplicate). */
export const HANDLED: ReceiveResult = { status: 204 };

/** An error answer in the contract's shape: `{"error": {"code", "message"}}`. */
export function errorResult(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): ReceiveResult {
  return {
    status,
    body: JSON.stringify({ error: { code, message } }),
    headers: { 'content-type': 'application/json', ...headers },
  };
}
