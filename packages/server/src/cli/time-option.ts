import { parseDuration } from '../delivery/retry-schedule.ts';
import { failWith } from './option-parsers.ts';

/** What `--since` / `--until` accept, for the help text. */
export const TIME_OPTION_HELP =
  'a time: an ISO-8601 date-time with Z or an offset (2025-05-01T12:00:00Z), ' +
  'a duration ago (90s, 30m, 1h, 2d), "now", or ms since the Unix epoch';

// A time zone is required: "2025-05-01T12:00" means different instants on different machines.
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/** A point in time given on the command line, as ms since the epoch; relative to `now`. */
export function parseTimeOption(flag: string, text: string, now = Date.now()): number {
  const value = text.trim();
  if (value === 'now') return now;
  if (/^\d{10,}$/.test(value)) return Number(value);
  if (/^\d/.test(value) && !value.includes('-')) {
    try {
      return now - parseDuration(value);
    } catch {
      // not a duration either: reported below
    }
  }
  if (ISO_WITH_ZONE.test(value)) {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return ms;
  }
  return failWith(`${flag} must be ${TIME_OPTION_HELP}; '${text}' is none of these`);
}
