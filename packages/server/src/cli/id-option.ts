import { failWith } from './option-parsers.ts';

/**
 * The SDK's OPAQUE_ID_PATTERN, known without loading the SDK's schemas (zod) at every start;
 * a test keeps the two equal.
 */
export const OPAQUE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A thread, stream or user id given on the command line, checked as the API will check it. */
export function parseOpaqueId(flag: string, value: string): string {
  if (!OPAQUE_ID.test(value)) {
    failWith(`${flag} must be 1-128 characters of [A-Za-z0-9._:-], not '${value}'`);
  }
  return value;
}
