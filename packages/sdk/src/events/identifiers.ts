import { z } from 'zod';
import { OPAQUE_ID_PATTERN, UUID_PATTERN } from './names.ts';

export { OPAQUE_ID_PATTERN, UUID_PATTERN };

export const callIdSchema = z
  .string()
  .regex(UUID_PATTERN, 'must be a lower-case UUID')
  .describe('id of the call: a lower-case UUID');

function opaqueId(what: string) {
  return z
    .string()
    .regex(OPAQUE_ID_PATTERN, 'must be 1-128 characters of [A-Za-z0-9._:-]')
    .describe(`id of the ${what}: an opaque string of 1-128 characters [A-Za-z0-9._:-]`);
}

export const threadIdSchema = opaqueId('thread in which the call takes place');
export const streamIdSchema = opaqueId('stream in which the call takes place');
export const userIdSchema = opaqueId('user');

/** Integer milliseconds since the Unix epoch. */
export const epochMillisSchema = z.int().nonnegative();

/** A duration in integer milliseconds. */
export const durationMillisSchema = z.int().nonnegative();
