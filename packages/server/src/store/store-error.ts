// Errors the SQLite store raises itself (constraint violations from SQLite pass through as is).

export type StoreErrorCode =
  /** The database was written by a newer callhook; this code cannot read its schema. */
  | 'schema_too_new'
  /** A command's outcome is inconsistent with the call it ran on (a bug in the caller). */
  | 'invalid_outcome';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  readonly details: unknown;

  constructor(code: StoreErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'StoreError';
    this.code = code;
    this.details = details;
  }
}
