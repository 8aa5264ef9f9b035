import { parse, type SessionDescription, write } from 'sdp-transform';

// The SDP side of a leg (RFC 3264 offer/answer, parsed and written by sdp-transform): what the
// peer offers (audio codecs, the telephone-event payload type, whether it puts us on hold), and
// the answer callhook gives — PCMU/PCMA and telephone-event on a port of its own, no audio sent.

type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface AudioOffer {
  /** The offered audio codecs callhook answers with, in the offer's order (0 PCMU, 8 PCMA). */
  codecs: number[];
  /** The payload type of `telephone-event/8000`, when offered. */
  telephoneEvent: number | undefined;
  direction: Direction;
  /**
   * On hold by RFC 3264 §8.4: the peer sends only (`sendonly`), nothing (`inactive`), or
   * the old RFC 2543 way, connection address 0.0.0.0.
   */
  held: boolean;
}

export type OfferResult = { ok: true; offer: AudioOffer } | { ok: false; reason: string };

const PCMU = 0;
const PCMA = 8;
const STATIC_NAMES: Readonly<Record<number, string>> = { [PCMU]: 'PCMU', [PCMA]: 'PCMA' };

export function readOffer(body: string): OfferResult {
  let sdp: SessionDescription;
  try {
    sdp = parse(body);
  } catch (error) {
    return { ok: false, reason: `unreadable SDP: ${(error as Error).message}` };
  }
  const audio = sdp.media?.find((m) => m.type === 'audio' && m.port !== 0);
  if (!audio) return { ok: false, reason: 'the offer has no active audio stream' };
  const payloads = String(audio.payloads ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
  const names = new Map<number, string>();
  for (const rtp of audio.rtp ?? []) names.set(rtp.payload, `${rtp.codec}/${rtp.rate ?? ''}`);
  const codecs = payloads.filter((pt) => {
    const name = names.get(pt)?.split('/')[0]?.toUpperCase() ?? STATIC_NAMES[pt];
    return (pt === PCMU || pt === PCMA) && (name === 'PCMU' || name === 'PCMA');
  });
  if (codecs.length === 0) return { ok: false, reason: 'the offer has neither PCMU nor PCMA' };
  const telephoneEvent = payloads.find(
    (pt) => names.get(pt)?.toLowerCase() === 'telephone-event/8000',
  );
  const direction = (audio.direction ?? sdp.direction ?? 'sendrecv') as Direction;
  const address = audio.connection?.ip ?? sdp.connection?.ip ?? '';
  const held = direction === 'sendonly' || direction === 'inactive' || address === '0.0.0.0';
  return { ok: true, offer: { codecs, telephoneEvent, direction, held } };
}

/** The answering direction of RFC 3264 §6.1. */
function answerDirection(offered: Direction): Direction {
  if (offered === 'sendonly') return 'recvonly';
  if (offered === 'recvonly') return 'sendonly';
  return offered;
}

export interface LocalMedia {
  /** The address the RTP port listens on (also the SDP origin). */
  address: string;
  port: number;
  /** Session id of the origin line, fixed for the leg; the version grows with each answer. */
  sessionId: number;
  version: number;
}

/** An answer to `offer`, or (no offer: delayed offer) a sendrecv offer of callhook's own. */
export function writeAnswer(local: LocalMedia, offer: AudioOffer | undefined): string {
  if (!offer) return writeOffer(local, 'sendrecv');
  return writeSdp(local, offer.codecs, offer.telephoneEvent, answerDirection(offer.direction));
}

/**
 * An offer of callhook's own: to a REGISTERed phone, or a re-INVITE when the API pauses
 * (`sendonly`: callhook holds the phone, RFC 3264 §8.4) or unpauses (`sendrecv`) it.
 */
export function writeOffer(local: LocalMedia, direction: 'sendrecv' | 'sendonly'): string {
  return writeSdp(local, [PCMU, PCMA], 101, direction);
}

function writeSdp(
  local: LocalMedia,
  codecs: readonly number[],
  telephoneEvent: number | undefined,
  direction: Direction,
): string {
  const payloads = telephoneEvent === undefined ? codecs : [...codecs, telephoneEvent];
  const description: SessionDescription = {
    version: 0,
    origin: {
      username: 'callhook',
      sessionId: local.sessionId,
      sessionVersion: local.version,
      netType: 'IN',
      ipVer: 4,
      address: local.address,
    },
    name: 'callhook',
    connection: { version: 4, ip: local.address },
    timing: { start: 0, stop: 0 },
    media: [
      {
        type: 'audio',
        port: local.port,
        protocol: 'RTP/AVP',
        payloads: payloads.join(' '),
        rtp: [
          ...codecs.map((pt) => ({ payload: pt, codec: STATIC_NAMES[pt]!, rate: 8000 })),
          ...(telephoneEvent === undefined
            ? []
            : [{ payload: telephoneEvent, codec: 'telephone-event', rate: 8000 }]),
        ],
        fmtp: telephoneEvent === undefined ? [] : [{ payload: telephoneEvent, config: '0-15' }],
        ptime: 20,
        direction,
      },
    ],
  };
  return write(description);
}
