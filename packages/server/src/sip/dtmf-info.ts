// DTMF in SIP INFO bodies: `application/dtmf-relay` (the Cisco convention: `Signal=5` and
// `Duration=160` lines) and `application/dtmf` (the bare symbol). Cisco gear also writes
// `*` and `#` as 10 and 11.

const SYMBOL = /^[0-9*#A-D]$/;

export type DtmfInfo = { ok: true; symbol: string } | { ok: false; reason: string };

/** The media types of INFO that carry DTMF. */
export const DTMF_INFO_TYPES = ['application/dtmf-relay', 'application/dtmf'] as const;

export function readDtmfInfo(contentType: string, body: string): DtmfInfo {
  let value: string | undefined;
  if (contentType === 'application/dtmf-relay') {
    const line = body.split(/\r?\n/).find((l) => /^\s*signal\s*=/i.test(l));
    value = line?.split('=')[1]?.trim();
  } else {
    value = body.trim();
  }
  if (value === undefined || value === '')
    return { ok: false, reason: 'no DTMF signal in the body' };
  const symbol = value === '10' ? '*' : value === '11' ? '#' : value.toUpperCase();
  if (!SYMBOL.test(symbol))
    return { ok: false, reason: `not a DTMF symbol: ${value.slice(0, 16)}` };
  return { ok: true, symbol };
}
