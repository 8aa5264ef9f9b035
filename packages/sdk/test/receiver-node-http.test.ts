// The receiver end to end: a real node:http server on loopback, real signed requests.
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingMessage, type RequestListener } from 'node:http';
import { after, describe, it } from 'node:test';
import {
  type CallEvent,
  createReceiver,
  type DeliveryMeta,
  HandlerError,
  RawBodyUnavailableError,
  type ReceiverError,
  toNodeHandler,
  WebhookVerificationError,
} from '@callhook/sdk';
import { type LoopbackServer, startLoopbackServer } from './support/loopback-server.ts';
import {
  bodyOf,
  CALL_ID,
  deliveryHeaders,
  OTHER_SECRET,
  postDelivery,
  SECRET,
} from './support/signed-delivery.ts';

// A held request that is never answered must fail the test, not hang the run.
const bounded = { timeout: 10_000 };

const servers: LoopbackServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function serve(listener: RequestListener): Promise<string> {
  const server = await startLoopbackServer(listener);
  servers.push(server);
  return server.url;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

describe('receiver over node:http', () => {
  it(
    'dispatches each event to the handlers of its type, with its delivery meta',
    bounded,
    async () => {
      const ended: [number, DeliveryMeta<'call.ended'>][] = [];
      const dtmf: string[] = [];
      const receiver = createReceiver({ secret: SECRET })
        .on('call.ended', (event, meta) => {
          ended.push([event.dialogDuration, meta]);
        })
        .on('call.dtmf', (event) => {
          dtmf.push(event.dtmf);
        });
      const url = await serve(receiver.node);

      const date = new Date();
      const response = await postDelivery(url, {
        id: 'evt-ended-1',
        body: bodyOf('call.ended'),
        date,
        seq: 9,
        previousSeq: 8,
        attempt: 2,
      });
      assert.equal(response.status, 204);
      assert.deepEqual(ended, [
        [
          5554,
          {
            id: 'evt-ended-1',
            timestamp: new Date(Math.floor(date.getTime() / 1000) * 1000),
            seq: 9,
            previousSeq: 8,
            attempt: 2,
            callId: CALL_ID,
            eventType: 'call.ended',
          },
        ],
      ]);
      assert.deepEqual(dtmf, []);
      assert.equal(
        (await postDelivery(url, { id: 'evt-d', body: bodyOf('call.dtmf') })).status,
        204,
      );
      assert.deepEqual(dtmf, ['1']);
      // No handler for the type: still handled.
      assert.equal(
        (await postDelivery(url, { id: 'evt-c', body: bodyOf('call.created') })).status,
        204,
      );
    },
  );

  it('onAny sees every event, next to the typed handlers', bounded, async () => {
    const seen: string[] = [];
    const receiver = createReceiver({ secret: SECRET })
      .on(['call.user.paused', 'call.user.unpaused'], (event) => {
        seen.push(`typed ${event.eventType} ${event.userId}`);
      })
      .onAny((event: CallEvent) => {
        seen.push(`any ${event.eventType}`);
      });
    const url = await serve(toNodeHandler(receiver));
    await postDelivery(url, { id: 'a1', body: bodyOf('call.user.paused') });
    await postDelivery(url, { id: 'a2', body: bodyOf('call.created') });
    assert.deepEqual(seen, [
      'typed call.user.paused 595b405b81d3f8001497603d',
      'any call.user.paused',
      'any call.created',
    ]);
  });

  it(
    'answers 500 when a handler throws, runs the others, and reports a HandlerError',
    bounded,
    async () => {
      const errors: ReceiverError[] = [];
      let otherRan = false;
      const receiver = createReceiver({ secret: SECRET })
        .on('call.created', async () => {
          throw new Error('database down');
        })
        .onAny(() => {
          otherRan = true;
        })
        .onError((error) => {
          errors.push(error);
        });
      const url = await serve(receiver.node);
      const response = await postDelivery(url, { id: 'boom', body: bodyOf('call.created') });
      assert.equal(response.status, 500);
      const answer = (await response.json()) as { error: { code: string; message: string } };
      assert.equal(answer.error.code, 'handler_failed');
      assert.doesNotMatch(answer.error.message, /database/, 'handler errors stay private');
      assert.ok(otherRan);
      assert.equal(errors.length, 1);
      assert.ok(errors[0] instanceof HandlerError);
      assert.equal(errors[0].meta.id, 'boom');
      assert.equal((errors[0].errors[0] as Error).message, 'database down');
    },
  );

  it(
    'answers 401 to a bad signature or missing headers, without calling handlers',
    bounded,
    async () => {
      const errors: ReceiverError[] = [];
      let calls = 0;
      const receiver = createReceiver({ secret: SECRET })
        .onAny(() => {
          calls += 1;
        })
        .onError((error) => {
          errors.push(error);
        });
      const url = await serve(receiver.node);
      const body = bodyOf('call.created');

      const wrongSecret = await postDelivery(url, { id: 'x', body, secret: OTHER_SECRET });
      assert.equal(wrongSecret.status, 401);
      assert.equal(
        ((await wrongSecret.json()) as { error: { code: string } }).error.code,
        'bad_signature',
      );

      const tampered = await fetch(url, {
        method: 'POST',
        headers: deliveryHeaders({ id: 'x', body }),
        body: body.replace('1539761084401', '1539761084402'),
      });
      assert.equal(tampered.status, 401);

      const unsigned = await fetch(url, { method: 'POST', body });
      assert.equal(unsigned.status, 401);
      await unsigned.arrayBuffer();

      const old = await postDelivery(url, {
        id: 'x',
        body,
        date: new Date(Date.now() - 3_600_000),
      });
      assert.equal(old.status, 401);
      await old.arrayBuffer();

      assert.equal(calls, 0);
      assert.deepEqual(
        errors.map((e) => (e instanceof WebhookVerificationError ? e.code : e.name)),
        ['bad_signature', 'bad_signature', 'missing_header', 'timestamp_too_old'],
      );
    },
  );

  it('answers 400 to a well-signed body that is not a call event', bounded, async () => {
    const receiver = createReceiver({ secret: SECRET });
    const url = await serve(receiver.node);
    const badJson = await postDelivery(url, {
      id: 'bad-json',
      body: '{"eventType": "call.created"',
    });
    assert.equal(badJson.status, 400);
    assert.equal(
      ((await badJson.json()) as { error: { code: string } }).error.code,
      'invalid_body',
    );
    const unknownType = await postDelivery(url, {
      id: 'bad-type',
      body: JSON.stringify({ eventType: 'call.exploded', callId: CALL_ID }),
    });
    assert.equal(unknownType.status, 400);
    await unknownType.arrayBuffer();
  });

  it(
    'answers 413 past maxBodyBytes, whether the length is declared or streamed',
    bounded,
    async () => {
      const errors: string[] = [];
      const receiver = createReceiver({ secret: SECRET, maxBodyBytes: 64 }).onError((e) => {
        errors.push(e.code);
      });
      const url = await serve(receiver.node);
      const big = JSON.stringify({
        ...JSON.parse(bodyOf('call.created')),
        padding: 'x'.repeat(200),
      });
      const declared = await postDelivery(url, { id: 'big', body: big });
      assert.equal(declared.status, 413);
      await declared.arrayBuffer();

      // Chunked, without content-length: the limit is enforced while reading.
      const streamed = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(url, {
          method: 'POST',
          headers: deliveryHeaders({ id: 'big2', body: big }),
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        for (let i = 0; i < big.length; i += 16) req.write(big.slice(i, i + 16));
        req.end();
      });
      assert.equal(streamed, 413);
      assert.deepEqual(errors, ['payload_too_large', 'payload_too_large']);
    },
  );

  it('answers 405 to other methods', bounded, async () => {
    const url = await serve(createReceiver({ secret: SECRET }).node);
    const response = await fetch(url);
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'POST');
    await response.arrayBuffer();
  });

  it('uses req.rawBody when a framework kept the raw bytes before parsing', bounded, async () => {
    const seen: string[] = [];
    const handler = createReceiver({ secret: SECRET }).on('call.created', (e) => {
      seen.push(e.callId);
    }).node;
    // What express.json({ verify }) or similar middleware leaves behind.
    const url = await serve(async (req, res) => {
      const raw = await readAll(req);
      Object.assign(req, { rawBody: raw, body: JSON.parse(raw.toString()) });
      await handler(req, res);
    });
    const response = await postDelivery(url, { id: 'raw', body: bodyOf('call.created') });
    assert.equal(response.status, 204);
    assert.deepEqual(seen, [CALL_ID]);
  });

  it('explains when a JSON body parser already consumed the raw body', bounded, async () => {
    const handler = createReceiver({ secret: SECRET }).node;
    const passedToNext: unknown[] = [];
    const url = await serve(async (req, res) => {
      const raw = await readAll(req);
      Object.assign(req, { body: JSON.parse(raw.toString()) });
      if (req.headers['x-with-next']) {
        await handler(req, res, (error) => {
          passedToNext.push(error);
          res.writeHead(599).end();
        });
      } else {
        await handler(req, res);
      }
    });
    const plain = await postDelivery(url, { id: 'parsed', body: bodyOf('call.created') });
    assert.equal(plain.status, 500);
    assert.match(((await plain.json()) as { error: { message: string } }).error.message, /raw/);

    const body = bodyOf('call.created');
    const withNext = await fetch(url, {
      method: 'POST',
      headers: { ...deliveryHeaders({ id: 'parsed2', body }), 'x-with-next': '1' },
      body,
    });
    assert.equal(withNext.status, 599);
    assert.ok(passedToNext[0] instanceof RawBodyUnavailableError);
  });
});
