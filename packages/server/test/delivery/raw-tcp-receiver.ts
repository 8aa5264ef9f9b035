// A receiver on 127.0.0.1 that answers with raw bytes, for answers node:http would not send
// (interim responses in the same TCP write as the final one, a close after a 100 …).
// It reads each request up to the end of its Content-Length body, keeps it, and then hands
// the socket to `answer`; requests on one connection are answered one after the other.
import { createServer, type Socket } from 'node:net';
import { listenOnLoopback } from './listen-on-loopback.ts';

export interface RawRequest {
  head: string;
  body: string;
  /** The 0-based number of this request on its connection. */
  onConnection: number;
}

export interface RawTcpReceiver {
  url: string;
  requests: RawRequest[];
  readonly connections: number;
  close(): Promise<void>;
}

export async function startRawTcpReceiver(
  answer: (socket: Socket, request: RawRequest) => void,
): Promise<RawTcpReceiver> {
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    let buffered = Buffer.alloc(0);
    let onConnection = 0;
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const headEnd = buffered.indexOf('\r\n\r\n');
        if (headEnd === -1) return;
        const head = buffered.subarray(0, headEnd).toString('latin1');
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        const end = headEnd + 4 + length;
        if (buffered.length < end) return;
        const request = {
          head,
          body: buffered.subarray(headEnd + 4, end).toString('utf8'),
          onConnection,
        };
        onConnection += 1;
        buffered = buffered.subarray(end);
        state.requests.push(request);
        answer(socket, request);
      }
    });
  });
  const listener = await listenOnLoopback(server);
  const state: RawTcpReceiver = {
    url: `http://127.0.0.1:${listener.port}/hooks`,
    requests: [],
    get connections() {
      return listener.connections;
    },
    close: listener.close,
  };
  return state;
}

export const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';
export const NO_CONTENT = 'HTTP/1.1 204 No Content\r\n\r\n';
