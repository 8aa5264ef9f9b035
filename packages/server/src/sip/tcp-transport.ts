import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { Clock, TimerHandle } from '../clock.ts';
import { serializeSipMessage } from './serialize-sip-message.ts';
import type { Peer } from './server-transactions.ts';
import type { SipMessage } from './sip-message.ts';
import { type FramingErrorReason, SipStreamFramer } from './sip-stream-framing.ts';
import type { SipTransport } from './sip-transport.ts';

// SIP over TCP (RFC 3261 §18): a listening socket, and the connections peers open to it or
// callhook opens to them. Messages are framed by Content-Length (sip-stream-framing.ts).
// Answers go back on the connection their request came on (§18.2.2); a request callhook sends
// reuses an open connection to the peer, else opens one. Bounded: at most `maxConnections` at
// once (more are closed on accept), `maxMessageBytes` per message, and a connection idle for
// `idleMs` (nothing read or written) is closed.

export interface TcpTransportOptions {
  clock: Clock;
  maxMessageBytes: number;
  /** Most connections open at once, either way (default 1 000). */
  maxConnections?: number;
  /** A connection with no traffic for this long is closed (default 5 minutes). */
  idleMs?: number;
}

export interface TcpHandlers {
  onMessage(data: Buffer, from: Peer): void;
  /**
   * The stream's framing broke (`head`: its header section so far). The handler may answer
   * through `send` at once; the connection is then closed.
   */
  onFramingError(head: Buffer, from: Peer, reason: FramingErrorReason, detail: string): void;
}

interface Connection {
  id: number;
  socket: Socket;
  peer: Peer;
  lastActivity: number;
  idleTimer?: TimerHandle;
}

const DEFAULT_MAX_CONNECTIONS = 1_000;
const DEFAULT_IDLE_MS = 5 * 60_000;

export class TcpTransport implements SipTransport {
  readonly protocol = 'TCP';
  private readonly connections = new Map<number, Connection>();
  /** Open connections by the peer's address and port. */
  private readonly byRemote = new Map<string, number>();
  private nextId = 1;
  private readonly maxConnections: number;
  private readonly idleMs: number;

  private constructor(
    private readonly server: Server,
    private readonly handlers: TcpHandlers,
    private readonly options: TcpTransportOptions,
  ) {
    this.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  }

  /** Listens on `host:port` (0: any free port). */
  static async listen(
    host: string,
    port: number,
    handlers: TcpHandlers,
    options: TcpTransportOptions,
  ): Promise<TcpTransport> {
    const server = createServer({ noDelay: true });
    const transport = new TcpTransport(server, handlers, options);
    server.on('connection', (socket) => transport.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', () => {});
    return transport;
  }

  get address(): Peer {
    const { address, port } = this.server.address() as { address: string; port: number };
    return { address, port };
  }

  /** Connections open now. */
  get connectionCount(): number {
    return this.connections.size;
  }

  send(message: SipMessage, to: Peer): void {
    const byId = to.connection === undefined ? undefined : this.connections.get(to.connection);
    const reused = this.connections.get(this.byRemote.get(remoteKey(to)) ?? 0);
    const connection = byId ?? reused ?? this.connect(to);
    if (!connection) return; // at the connection limit: the transaction's timer gives up
    this.touch(connection);
    connection.socket.write(serializeSipMessage(message));
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of [...this.connections.values()]) connection.socket.destroy();
    await closed;
  }

  private accept(socket: Socket): void {
    if (this.connections.size >= this.maxConnections) {
      socket.destroy();
      return;
    }
    this.adopt(socket, {
      address: stripMappedV4(socket.remoteAddress ?? ''),
      port: socket.remotePort ?? 0,
    });
  }

  /** Opens a connection to `to` for a request of callhook's own. */
  private connect(to: Peer): Connection | undefined {
    if (this.connections.size >= this.maxConnections) return undefined;
    const socket = createConnection({ host: to.address, port: to.port, noDelay: true });
    return this.adopt(socket, { address: to.address, port: to.port });
  }

  private adopt(socket: Socket, remote: { address: string; port: number }): Connection {
    const id = this.nextId++;
    const peer: Peer = { ...remote, connection: id, reliable: true };
    const connection: Connection = {
      id,
      socket,
      peer,
      lastActivity: this.options.clock.now(),
    };
    this.connections.set(id, connection);
    this.byRemote.set(remoteKey(peer), id);
    this.armIdle(connection);
    const framer = new SipStreamFramer(this.options.maxMessageBytes);
    socket.on('data', (chunk: Buffer) => {
      this.touch(connection);
      for (const framed of framer.push(chunk)) {
        if (framed.kind === 'message') {
          this.handlers.onMessage(framed.data, peer);
          continue;
        }
        this.handlers.onFramingError(framed.head, peer, framed.reason, framed.detail);
        // Closed once the answer is written, whether or not the peer closes its side.
        socket.end(() => socket.destroy());
      }
    });
    socket.on('error', () => {}); // a reset peer: 'close' follows
    socket.on('close', () => this.forget(connection));
    return connection;
  }

  private forget(connection: Connection): void {
    connection.idleTimer?.cancel();
    this.connections.delete(connection.id);
    const key = remoteKey(connection.peer);
    if (this.byRemote.get(key) === connection.id) this.byRemote.delete(key);
  }

  private touch(connection: Connection): void {
    connection.lastActivity = this.options.clock.now();
  }

  /** One timer per connection, re-armed from the last activity rather than on every byte. */
  private armIdle(connection: Connection): void {
    connection.idleTimer = this.options.clock.setTimer(
      connection.lastActivity + this.idleMs,
      () => {
        if (!this.connections.has(connection.id)) return;
        if (this.options.clock.now() - connection.lastActivity >= this.idleMs) {
          connection.socket.destroy();
          this.forget(connection);
          return;
        }
        this.armIdle(connection);
      },
    );
  }
}

function remoteKey(peer: { address: string; port: number }): string {
  return `${peer.address}|${peer.port}`;
}

/** `::ffff:127.0.0.1` → `127.0.0.1` (an IPv4 peer on a dual-stack socket). */
function stripMappedV4(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
