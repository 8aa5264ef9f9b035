import { type DtmfSymbol, isDtmfSymbol } from '@callhook/sdk';

/** Most symbols one DTMF command may carry (docs/contract.md §3). */
export const MAX_DTMF_DIGITS = 32;

export type DtmfDigitsResult =
  | { ok: true; symbols: DtmfSymbol[] }
  | { ok: false; message: string; details: Record<string, unknown> };

/** Splits "12#" into symbols; 1–32 of `0-9 * # A B C D`, nothing else (not even lower case). */
export function parseDtmfDigits(digits: unknown): DtmfDigitsResult {
  if (typeof digits !== 'string') {
    return { ok: false, message: 'digits must be a string such as "12#"', details: {} };
  }
  const chars = Array.from(digits);
  if (chars.length < 1 || chars.length > MAX_DTMF_DIGITS) {
    return {
      ok: false,
      message: `digits must hold 1-${MAX_DTMF_DIGITS} DTMF symbols, got ${chars.length}`,
      details: { digits, length: chars.length, max: MAX_DTMF_DIGITS },
    };
  }
  const invalid = chars.filter((c) => !isDtmfSymbol(c));
  if (invalid.length > 0) {
    return {
      ok: false,
      message: `digits may only contain 0-9 * # A B C D; found ${JSON.stringify(invalid.join(''))}`,
      details: { digits, invalid: [...new Set(invalid)] },
    };
  }
  return { ok: true, symbols: chars.filter(isDtmfSymbol) };
}
