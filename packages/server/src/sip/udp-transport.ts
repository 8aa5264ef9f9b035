import { createSocket, type Socket } from 'node:dgram';
import { serializeSipMessage } from './serialize-sip-message.ts';
import type { Peer } from './server-transactions.ts';
import type { SipMessage } from './sip-message.ts';
import type { SipTransport } from './sip-transport.ts';

// One UDP socket: datagrams in, messages out. Parsing and routing are the agent's.

export class UdpTransport implements SipTransport {
  readonly protocol = 'UDP';
  private readonly socket: Socket;

  private constructor(socket: Socket) {
    this.socket = socket;
  }

  /** Binds `host:port` (0: any free port) and hands every datagram to `onDatagram`. */
  static async bind(
    host: string,
    port: number,
    onDatagram: (data: Buffer, from: Peer) => void,
  ): Promise<UdpTransport> {
    const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
    socket.on('message', (data, info) =>
      onDatagram(data, { address: info.address, port: info.port }),
    );
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    // A send to a closed port comes back as an error on some systems: never fatal.
    socket.on('error', () => {});
    return new UdpTransport(socket);
  }

  get address(): Peer {
    const { address, port } = this.socket.address();
    return { address, port };
  }

  send(message: SipMessage, to: Peer): void {
    this.socket.send(serializeSipMessage(message), to.port, to.address);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
