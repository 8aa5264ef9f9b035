import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

// Requests that Node's HTTP parser refuses before fastify sees them — bare LF, control
// characters in a header, two Content-Length headers, a request line and headers over 16 KiB,
// too slow to arrive — answered in the API's error envelope instead of Node's bare 400.

interface ParserError extends Error {
  code?: string;
}

function answerOf(error: ParserError): { status: number; code: string; message: string } {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        code: 'headers_too_large',
        message: 'the request line and headers exceed 16 KiB: send a shorter URL or fewer headers',
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        code: 'request_timeout',
        message: 'the request did not arrive in time',
      };
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return {
        status: 400,
        code: 'validation_error',
        message:
          'malformed HTTP request: more than one Content-Length, or one with Transfer-Encoding',
      };
    default:
      return {
        status: 400,
        code: 'validation_error',
        message: `malformed HTTP request (${error.code ?? 'parse error'}): ${error.message}`.slice(
          0,
          300,
        ),
      };
  }
}

/** fastify's `clientErrorHandler`: one envelope, then the connection is closed. */
export function clientErrorHandler(error: ParserError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // A response already under way on this connection cannot be followed by another.
  const pending = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || pending?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, code, message } = answerOf(error);
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'content-type: application/json; charset=utf-8\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      'connection: close\r\n\r\n' +
      body,
  );
}
