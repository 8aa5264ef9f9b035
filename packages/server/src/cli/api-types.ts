import type { z } from 'zod';
import type { callViewSchema } from '../http/schemas/calls.ts';
import type { eventPageSchema, storedEventSchema } from '../http/schemas/events.ts';

// The shapes the CLI reads, taken from the server's own route schemas (one source of truth).

export type CallView = z.infer<typeof callViewSchema>;
export type StoredEventView = z.infer<typeof storedEventSchema>;
export type EventPage = z.infer<typeof eventPageSchema>;
