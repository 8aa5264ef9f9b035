import { createSocket, type Socket } from 'node:dgram';
import { DtmfPressDetector, readTelephoneEvent } from './rtp-dtmf.ts';

// The RTP port of one answered leg. callhook sends no audio and mixes nothing: it listens
// only for RFC 4733 telephone-events and reports each key press once.

export class MediaPort {
  /** Payload type of telephone-event as negotiated; undefined: DTMF is not read from RTP. */
  telephoneEvent: number | undefined;
  private readonly detector = new DtmfPressDetector();

  private constructor(
    private readonly socket: Socket,
    private readonly onPress: (symbol: string) => void,
    private readonly now: () => number,
  ) {
    socket.on('message', (packet) => {
      if (this.telephoneEvent === undefined) return;
      const event = readTelephoneEvent(packet, this.telephoneEvent);
      if (!event) return;
      for (const symbol of this.detector.push(event, this.now())) this.onPress(symbol);
    });
    socket.on('error', () => {});
  }

  static async open(
    host: string,
    now: () => number,
    onPress: (symbol: string) => void,
  ): Promise<MediaPort> {
    const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new MediaPort(socket, onPress, now);
  }

  get port(): number {
    return this.socket.address().port;
  }

  close(): void {
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }
}
