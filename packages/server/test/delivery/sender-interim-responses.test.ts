// RFC 9110 §15.2: a client must parse one or more 1xx responses before the final one, even
// when it sent no `Expect: 100-continue`. These receivers answer with raw bytes on loopback.
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { createServer as createTlsServer } from 'node:tls';
import { Agent, request } from 'undici';
import { connectorSkippingInterimResponses } from '../../src/delivery/interim-responses.ts';
import { TargetPolicy } from '../../src/delivery/target-policy.ts';
import { WebhookSender } from '../../src/delivery/webhook-sender.ts';
import { startLoopbackServer } from './loopback-server.ts';
import { CONTINUE, NO_CONTENT, startRawTcpReceiver } from './raw-tcp-receiver.ts';

const body = '{"eventType":"call.created"}';
const headers = { 'webhook-id': 'msg_1' };

describe('webhook sender: interim (1xx) responses before the final one', () => {
  const sender = new WebhookSender({
    version: '0.0.0',
    policy: new TargetPolicy({ allowTargets: ['127.0.0.0/8'] }),
  });
  after(() => sender.close());

  async function sendTo(answer: (socket: Socket) => void) {
    const receiver = await startRawTcpReceiver(answer);
    try {
      const result = await sender.send({ url: receiver.url, headers, body, timeoutMs: 5_000 });
      return { result, receiver };
    } finally {
      await receiver.close();
    }
  }

  function assertNoContent(result: Awaited<ReturnType<WebhookSender['send']>>) {
    assert.equal(result.error, undefined);
    assert.equal(result.ok, true);
    assert.equal(result.statusCode, 204);
  }

  it('100 Continue and 204 in one TCP write → 204', async () => {
    const { result, receiver } = await sendTo((s) => s.write(CONTINUE + NO_CONTENT));
    assertNoContent(result);
    assert.equal(receiver.requests.length, 1);
    assert.equal(receiver.requests[0]!.body, body);
  });

  it('100 Continue, then 204 in a second write → 204', async () => {
    const { result } = await sendTo((s) => {
      s.write(CONTINUE);
      s.write(NO_CONTENT);
    });
    assertNoContent(result);
  });

  it('100 Continue, then 204 after a pause → 204', async () => {
    const { result } = await sendTo((s) => {
      // The 100 is flushed to the kernel before the 204 is even queued: two segments.
      s.write(CONTINUE, () => setTimeout(() => s.write(NO_CONTENT), 30));
    });
    assertNoContent(result);
  });

  it('a 100 head split across writes, byte by byte → 204', async () => {
    const { result } = await sendTo((s) => {
      const bytes = [...CONTINUE];
      const next = () => {
        const byte = bytes.shift();
        if (byte === undefined) s.write(NO_CONTENT);
        else s.write(byte, () => setImmediate(next));
      };
      next();
    });
    assertNoContent(result);
  });

  it('several interim responses (100, 102 Processing, 103 Early Hints with headers) → 204', async () => {
    const { result } = await sendTo((s) =>
      s.write(
        `${CONTINUE}HTTP/1.1 102 Processing\r\n\r\n${CONTINUE}` +
          'HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n' +
          NO_CONTENT,
      ),
    );
    assertNoContent(result);
  });

  it('103 Early Hints then 200 with a body → 200 and the body', async () => {
    const { result } = await sendTo((s) =>
      s.write(
        'HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\n' +
          'HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\nthanks',
      ),
    );
    assert.equal(result.ok, true);
    assert.equal(result.statusCode, 200);
    assert.equal(result.responseBody, 'thanks');
  });

  it('100 Continue then a 500 is still the 500', async () => {
    const { result } = await sendTo((s) =>
      s.write(`${CONTINUE}HTTP/1.1 500 Internal Server Error\r\ncontent-length: 4\r\n\r\nboom`),
    );
    assert.equal(result.ok, false);
    assert.equal(result.statusCode, 500);
    assert.equal(result.responseBody, 'boom');
  });

  it('100 Continue and then a close, with no final response → connection_reset', async () => {
    const { result } = await sendTo((s) => s.end(CONTINUE));
    assert.equal(result.ok, false);
    assert.equal(result.statusCode, null);
    assert.equal(result.error?.code, 'connection_reset');
    assert.match(
      result.error?.message ?? '',
      /closed the connection after 1 interim \(1xx\) response/,
    );
  });

  it('two 100s and then a close says two', async () => {
    const { result } = await sendTo((s) => s.end(CONTINUE + CONTINUE));
    assert.equal(result.error?.code, 'connection_reset');
    assert.match(result.error?.message ?? '', /after 2 interim \(1xx\) responses/);
  });

  it('a close in the middle of a final head is still the plain reset', async () => {
    const { result } = await sendTo((s) => s.end('HTTP/1.1 204 No'));
    assert.equal(result.error?.code, 'connection_reset');
    assert.doesNotMatch(result.error?.message ?? '', /interim/);
  });

  it('node:http writeContinue() then 204, twice over one kept-alive connection', async (t) => {
    const server = await startLoopbackServer((req, res) => {
      res.writeContinue();
      req.on('end', () => res.writeHead(204).end());
      req.resume();
    });
    t.after(() => server.close());
    for (let i = 0; i < 2; i += 1) {
      assertNoContent(await sender.send({ url: server.url, headers, body }));
    }
    assert.equal(server.requests.length, 2);
    assert.equal(server.connections, 1, 'the connection is reused after a 100');
  });

  it('a body that looks like a 100 head is not touched', async () => {
    const trap = `${CONTINUE}HTTP/1.1 500 nope\r\n\r\n`;
    const { result } = await sendTo((s) =>
      s.write(`HTTP/1.1 200 OK\r\ncontent-length: ${trap.length}\r\n\r\n${trap}`),
    );
    assert.equal(result.statusCode, 200);
    assert.equal(result.responseBody, trap);
  });
});

describe('the connector skips interim responses over TLS too', () => {
  it('https: 100 Continue then 204, twice on one connection', async (t) => {
    let connections = 0;
    const server = createTlsServer({ key: TEST_KEY, cert: TEST_CERT }, (socket) => {
      connections += 1;
      socket.on('data', () => socket.write(CONTINUE + NO_CONTENT));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const agent = new Agent({ connect: connectorSkippingInterimResponses({ ca: TEST_CERT }) });
    t.after(async () => {
      await agent.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const { port } = server.address() as AddressInfo;
    for (let i = 0; i < 2; i += 1) {
      const response = await request(`https://127.0.0.1:${port}/`, {
        method: 'POST',
        body,
        dispatcher: agent,
      });
      await response.body.dump();
      assert.equal(response.statusCode, 204);
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(connections, 1);
  });

  it('without the connector, undici itself fails on the 100 (why the connector exists)', async (t) => {
    const server = createHttpServer((req, res) => {
      res.writeContinue();
      req.on('end', () => res.writeHead(204).end());
      req.resume();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const agent = new Agent();
    t.after(async () => {
      await agent.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const { port } = server.address() as AddressInfo;
    await assert.rejects(
      request(`http://127.0.0.1:${port}/`, { method: 'POST', body, dispatcher: agent }),
      { code: 'UND_ERR_SOCKET', message: 'bad response' },
    );
  });
});

// A self-signed P-256 certificate for 127.0.0.1, valid until 2126; for this test only.
const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgvoumaQCAGsQpZnjj
jfEp5zICvrWUyRNusDWyCkzbRSOhRANCAARrF6lEduTkFtzKfnC+azJ6j5MNdMBw
/6frLwAsCDAFpnvn9C9jIZTsEVykWMtqvRwvyMv+pUMZfvD0QCPBYqTE
-----END PRIVATE KEY-----
`;
const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBkDCCATagAwIBAgIULGlTB50UjQNUGFQW4SgVYP9FvPQwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTIwMjA1MTYzMFoYDzIxMjYxMTA4
MDUxNjMwWjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARrF6lEduTkFtzKfnC+azJ6j5MNdMBw/6frLwAsCDAFpnvn9C9jIZTs
EVykWMtqvRwvyMv+pUMZfvD0QCPBYqTEo2QwYjAdBgNVHQ4EFgQU2OPC4Jw2ECLO
SEalP7ObF5c7VDQwHwYDVR0jBBgwFoAU2OPC4Jw2ECLOSEalP7ObF5c7VDQwDwYD
VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0gAMEUC
IQCyeNJnHAIaPEVIcU0s9boe5ma4gGJUkh7jNIJnQOJJRAIgGozE4PQhPWgVjFyh
1EP8+yCW1hw2A6ay+KiHm0BT5ZU=
-----END CERTIFICATE-----
`;
