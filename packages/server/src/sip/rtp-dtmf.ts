// RFC 4733 DTMF out of RTP. One key press is many packets with the same RTP timestamp: the
// event repeats while the key is held, and the end packet (E bit) is sent three times. So a
// press is counted once, at its first end packet.

/** RFC 4733 §3.2 event codes 0–15 as the symbols of `call.dtmf` (docs/contract.md §1). */
const SYMBOLS = '0123456789*#ABCD';

export interface TelephoneEvent {
  timestamp: number;
  event: number;
  end: boolean;
}

/** The telephone-event in an RTP packet of payload type `payloadType`, or null. */
export function readTelephoneEvent(packet: Buffer, payloadType: number): TelephoneEvent | null {
  if (packet.length < 12) return null;
  const first = packet[0]!;
  if (first >> 6 !== 2) return null; // RTP version 2
  if ((packet[1]! & 0x7f) !== payloadType) return null;
  const csrcCount = first & 0x0f;
  let offset = 12 + 4 * csrcCount;
  if (first & 0x10) {
    // Header extension: 4 bytes of profile and length, then length 32-bit words.
    if (packet.length < offset + 4) return null;
    offset += 4 + 4 * packet.readUInt16BE(offset + 2);
  }
  if (packet.length < offset + 4) return null;
  return {
    timestamp: packet.readUInt32BE(4),
    event: packet[offset]!,
    end: (packet[offset + 1]! & 0x80) !== 0,
  };
}

/**
 * Packets of one press that arrive this long after its last one start a new press: a sender
 * replaying the same stream (same timestamp) twice has pressed twice. The copies of an end
 * packet come within a few packet times (RFC 4733 §2.5.1.4).
 */
export const PRESS_GAP_MS = 1_000;

interface Press {
  timestamp: number;
  event: number;
  counted: boolean;
  lastAt: number;
}

/** Turns the packets of one RTP stream into key presses, each exactly once. */
export class DtmfPressDetector {
  private current: Press | undefined;

  /** The symbols that this packet, received at `now` (ms), completes: usually none or one. */
  push(event: TelephoneEvent, now: number): string[] {
    const out: string[] = [];
    const current = this.current;
    const samePress =
      current !== undefined &&
      current.timestamp === event.timestamp &&
      now - current.lastAt < PRESS_GAP_MS;
    if (!samePress) {
      // A press whose end packets were all lost is counted when the next one starts.
      if (current && !current.counted) out.push(...this.count(current));
      this.current = {
        timestamp: event.timestamp,
        event: event.event,
        counted: false,
        lastAt: now,
      };
    }
    const press = this.current!;
    press.lastAt = now;
    if (event.end && !press.counted) out.push(...this.count(press));
    return out;
  }

  private count(press: Press): string[] {
    press.counted = true;
    const symbol = SYMBOLS[press.event];
    return symbol === undefined ? [] : [symbol];
  }
}
