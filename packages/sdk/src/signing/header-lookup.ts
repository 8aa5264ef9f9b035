/** Request headers as a fetch `Headers`, or a plain record such as node's `req.headers`. */
export type HeadersInput =
  | Headers
  | Readonly<Record<string, string | readonly string[] | undefined>>;

function isHeaders(headers: HeadersInput): headers is Headers {
  return (
    (typeof Headers !== 'undefined' && headers instanceof Headers) ||
    (typeof headers.get === 'function' && typeof headers.has === 'function')
  );
}

/**
 * One header's value, found case-insensitively. Repeated values are joined with ", " as
 * fetch's `Headers.get` does, so both inputs read the same.
 */
export function getHeader(headers: HeadersInput, name: string): string | undefined {
  if (isHeaders(headers)) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return typeof value === 'string' ? value : value.join(', ');
  }
  return undefined;
}
