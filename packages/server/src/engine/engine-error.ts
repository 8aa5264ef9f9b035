/** Why the engine refused a command. Refused commands change nothing and emit nothing. */
export type EngineErrorCode = 'invalid_transition' | 'validation_error';

export class EngineError extends Error {
  readonly code: EngineErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: EngineErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
    this.details = details;
  }
}
