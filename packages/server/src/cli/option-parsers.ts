/** Prints a usage error and exits with status 2 (the convention for bad command-line input). */
export function failWith(message: string): never {
  process.stderr.write(`callhook: ${message}\n`);
  process.exit(2);
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    failWith(`--port must be an integer from 0 to 65535, not '${value}'`);
  }
  return port;
}

/** Collects a repeatable option's values. */
export function collectValues(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
