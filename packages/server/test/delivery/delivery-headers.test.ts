import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateSecret } from '@callhook/sdk';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { buildDeliveryHeaders, liveSecrets } from '../../src/delivery/delivery-headers.ts';

const delivery = {
  eventId: '0b6f7c52-3d1e-4c4b-9d5e-8f0a1b2c3d4e',
  eventType: 'call.user.invited' as const,
  callId: '5d0c2a9e-7f41-4b8e-a3c6-1e2f3a4b5c6d',
  seq: 7,
  previousSeq: 4,
};
const body = JSON.stringify({
  eventType: 'call.user.invited',
  callId: delivery.callId,
  threadId: 't-1',
  streamId: 's-1',
  userId: 'u-1',
});

describe('delivery headers: the wire headers of docs/contract.md §4', () => {
  it('carries exactly the contract headers, signed as Standard Webhooks verifies', () => {
    const secret = generateSecret();
    const now = Date.now();
    const headers = buildDeliveryHeaders({ delivery, attempt: 3, body, secrets: [secret], now });
    assert.deepEqual(Object.keys(headers).sort(), [
      'callhook-attempt',
      'callhook-call-id',
      'callhook-event-type',
      'callhook-previous-seq',
      'callhook-seq',
      'content-type',
      'webhook-id',
      'webhook-signature',
      'webhook-timestamp',
    ]);
    assert.equal(headers['content-type'], 'application/json');
    assert.equal(headers['webhook-id'], delivery.eventId);
    assert.equal(headers['webhook-timestamp'], String(Math.floor(now / 1000)));
    assert.equal(headers['callhook-event-type'], 'call.user.invited');
    assert.equal(headers['callhook-call-id'], delivery.callId);
    assert.equal(headers['callhook-seq'], '7');
    assert.equal(headers['callhook-previous-seq'], '4');
    assert.equal(headers['callhook-attempt'], '3');
    assert.match(headers['webhook-signature']!, /^v1,[A-Za-z0-9+/]+=*$/);
    assert.deepEqual(new StandardWebhook(secret).verify(body, headers), JSON.parse(body));
  });

  it('the signature covers the body: a changed body does not verify', () => {
    const secret = generateSecret();
    const headers = buildDeliveryHeaders({
      delivery,
      attempt: 1,
      body,
      secrets: [secret],
      now: Date.now(),
    });
    assert.throws(() => new StandardWebhook(secret).verify(body.replace('u-1', 'u-2'), headers));
  });

  it('signs with every live secret during rotation, space separated', () => {
    const current = generateSecret();
    const previous = generateSecret();
    const now = Date.now();
    const headers = buildDeliveryHeaders({
      delivery,
      attempt: 1,
      body,
      secrets: [
        { secret: current, expiresAt: null },
        { secret: previous, expiresAt: now + 60_000 },
      ],
      now,
    });
    assert.equal(headers['webhook-signature']!.split(' ').length, 2);
    // A receiver that knows only one of them verifies either way.
    new StandardWebhook(current).verify(body, headers);
    new StandardWebhook(previous).verify(body, headers);
  });

  it('skips expired secrets (expiresAt ≤ now)', () => {
    const current = generateSecret();
    const expired = generateSecret();
    const now = Date.now();
    const headers = buildDeliveryHeaders({
      delivery,
      attempt: 1,
      body,
      secrets: [
        { secret: current, expiresAt: null },
        { secret: expired, expiresAt: now },
      ],
      now,
    });
    assert.equal(headers['webhook-signature']!.split(' ').length, 1);
    new StandardWebhook(current).verify(body, headers);
    assert.throws(() => new StandardWebhook(expired).verify(body, headers));
    assert.deepEqual(
      liveSecrets(['a', { secret: 'b', expiresAt: now + 1 }, { secret: 'c', expiresAt: now }], now),
      ['a', 'b'],
    );
  });

  it('refuses to send unsigned when no secret is live', () => {
    assert.throws(
      () =>
        buildDeliveryHeaders({
          delivery,
          attempt: 1,
          body,
          secrets: [{ secret: generateSecret(), expiresAt: 1 }],
          now: Date.now(),
        }),
      { code: 'internal', message: /no live signing secret/ },
    );
  });
});
