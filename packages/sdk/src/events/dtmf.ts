import { z } from 'zod';

/**
 * DTMF symbols in RFC 4733 event-code order: the index of a symbol is its `dtmfNumber`
 * (digits 0-9 → 0-9, `*` → 10, `#` → 11, `A`-`D` → 12-15).
 */
export const DTMF_SYMBOLS = [
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
  '*',
  '#',
  'A',
  'B',
  'C',
  'D',
] as const;

export type DtmfSymbol = (typeof DTMF_SYMBOLS)[number];

export const dtmfSymbolSchema = z
  .enum(DTMF_SYMBOLS)
  .describe('the DTMF symbol pressed: one of 0-9 * # A B C D');

export const dtmfNumberSchema = z
  .int()
  .min(0)
  .max(DTMF_SYMBOLS.length - 1)
  .describe('RFC 4733 event code of the symbol: 0-9, * = 10, # = 11, A-D = 12-15');

/** RFC 4733 event code of a DTMF symbol. */
export function dtmfNumberOf(symbol: DtmfSymbol): number {
  return DTMF_SYMBOLS.indexOf(symbol);
}

/** DTMF symbol of an RFC 4733 event code, or undefined when the code is not a DTMF event. */
export function dtmfSymbolOf(code: number): DtmfSymbol | undefined {
  return Number.isInteger(code) ? DTMF_SYMBOLS[code] : undefined;
}

export function isDtmfSymbol(value: unknown): value is DtmfSymbol {
  return typeof value === 'string' && (DTMF_SYMBOLS as readonly string[]).includes(value);
}
