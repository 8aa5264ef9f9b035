import { OPAQUE_ID_PATTERN } from '@callhook/sdk/names';
import { failWith } from './option-parsers.ts';

/** A thread, stream or user id given on the command line, checked as the API will check it. */
export function parseOpaqueId(flag: string, value: string): string {
  if (!OPAQUE_ID_PATTERN.test(value)) {
    failWith(`${flag} must be 1-128 characters of [A-Za-z0-9._:-], not '${value}'`);
  }
  return value;
}
