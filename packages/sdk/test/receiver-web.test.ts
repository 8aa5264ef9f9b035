// The fetch-style adapter, driven with real Request objects as Deno, Bun or Workers pass them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createReceiver, type ReceiverError, toWebHandler } from '@callhook/sdk';
import {
  bodyOf,
  CALL_ID,
  deliveryHeaders,
  OTHER_SECRET,
  SECRET,
} from './support/signed-delivery.ts';

// A held request that is never answered must fail the test, not hang the run.
const bounded = { timeout: 10_000 };

const URL_ = 'https://bot.example/webhooks';

function signedRequest(id: string, body: string, secret = SECRET): Request {
  return new Request(URL_, {
    method: 'POST',
    headers: deliveryHeaders({ id, body, secret, seq: 2, attempt: 1 }),
    body,
  });
}

describe('receiver.web', () => {
  it('answers 204 with no body and hands the typed event to its handler', bounded, async () => {
    const seen: [string, number | undefined][] = [];
    const receiver = createReceiver({ secret: SECRET }).on('call.user.invited', (event, meta) => {
      seen.push([event.userId, meta.seq]);
    });
    const response = await receiver.web(signedRequest('w1', bodyOf('call.user.invited')));
    assert.equal(response.status, 204);
    assert.equal(await response.text(), '');
    assert.deepEqual(seen, [['595b405b81d3f8001497603d', 2]]);
  });

  it('toWebHandler(receiver) is the same adapter', bounded, async () => {
    const receiver = createReceiver({ secret: SECRET });
    const response = await toWebHandler(receiver)(signedRequest('w2', bodyOf('call.created')));
    assert.equal(response.status, 204);
  });

  it('answers 401, 400 and 500 with a JSON error body', bounded, async () => {
    const receiver = createReceiver({ secret: SECRET }).on('call.ended', () => {
      throw new Error('nope');
    });
    const cases: [Request, number, string][] = [
      [signedRequest('w3', bodyOf('call.created'), OTHER_SECRET), 401, 'bad_signature'],
      [signedRequest('w4', '[1, 2, 3]'), 400, 'invalid_body'],
      [signedRequest('w5', bodyOf('call.ended')), 500, 'handler_failed'],
    ];
    for (const [request, status, code] of cases) {
      const response = await receiver.web(request);
      assert.equal(response.status, status);
      assert.equal(response.headers.get('content-type'), 'application/json');
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, code);
    }
  });

  it('stops reading a streamed body past maxBodyBytes and answers 413', bounded, async () => {
    const errors: ReceiverError[] = [];
    const receiver = createReceiver({ secret: SECRET, maxBodyBytes: 100 }).onError((e) => {
      errors.push(e);
    });
    let pulled = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(40).fill(32));
      },
      cancel() {
        cancelled = true;
      },
    });
    const request = new Request(URL_, {
      method: 'POST',
      headers: deliveryHeaders({ id: 'w6', body: '' }),
      body: endless,
      duplex: 'half',
    } as RequestInit);
    const response = await receiver.web(request);
    assert.equal(response.status, 413);
    assert.ok(pulled <= 4, `read ${pulled} chunks of an endless body`);
    assert.ok(cancelled, 'the rest of the body is cancelled, not drained');
    assert.equal(errors[0]?.code, 'payload_too_large');
  });

  it('answers 405 to other methods', bounded, async () => {
    const response = await createReceiver({ secret: SECRET }).web(new Request(URL_));
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'POST');
  });

  it('receive() serves custom transports with the same answers', bounded, async () => {
    const seen: string[] = [];
    const receiver = createReceiver({ secret: SECRET }).onAny((e) => {
      seen.push(e.callId);
    });
    const body = bodyOf('call.created');
    assert.deepEqual(
      await receiver.receive({ rawBody: body, headers: deliveryHeaders({ id: 'r1', body }) }),
      { status: 204 },
    );
    const unsigned = await receiver.receive({ rawBody: body, headers: {} });
    assert.equal(unsigned.status, 401);
    assert.deepEqual(seen, [CALL_ID]);
  });
});
