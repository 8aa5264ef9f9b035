import { failWith } from './option-parsers.ts';

/** The API's largest page. */
export const MAX_PAGE = 500;

/** `--limit <n>`: a positive integer, at most `max`. */
export function parseLimit(text: string, max = MAX_PAGE): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    failWith(`--limit must be an integer from 1 to ${max}, not '${text}'`);
  }
  return n;
}
