import type { AddressInfo, Server, Socket } from 'node:net';

// What the delivery tests' receivers share, whichever server answers: listening on a free
// port of 127.0.0.1, counting TCP connections, and a close that first destroys the ones
// still open (a kept-alive connection would otherwise hold `server.close` forever).

export interface LoopbackListener {
  port: number;
  /** TCP connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

export async function listenOnLoopback(server: Server): Promise<LoopbackListener> {
  const sockets = new Set<Socket>();
  let connections = 0;
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('error', () => {}); // the sender may drop a connection mid-response
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    get connections() {
      return connections;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
