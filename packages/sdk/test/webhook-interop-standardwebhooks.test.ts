// Interoperability with the reference Standard Webhooks library, both ways: what it signs we
// verify, and what we sign it verifies. Its `verify` reads the real clock (Date.now), so those
// tests pin Date with node:test's mock timers rather than sleeping.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Webhook, WebhookVerificationError } from '@callhook/sdk';
import * as standard from 'standardwebhooks';
import { bodyOf, OTHER_SECRET, SECRET } from './support/signed-delivery.ts';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const ID = 'msg_2b3c4d5e6f';
const seconds = (date: Date) => String(Math.floor(date.getTime() / 1000));
const shifted = (by: number) => new Date(NOW.getTime() + by * 1000);

function theirHeaders(body: string, date = NOW, secrets = [SECRET]) {
  const signatures = secrets.map((s) => new standard.Webhook(s).sign(ID, date, body));
  return {
    'webhook-id': ID,
    'webhook-timestamp': seconds(date),
    'webhook-signature': signatures.join(' '),
  };
}

function ourHeaders(body: string, date = NOW, secrets = [SECRET]) {
  return {
    'webhook-id': ID,
    'webhook-timestamp': seconds(date),
    'webhook-signature': new Webhook(secrets).signAll(ID, date, body),
  };
}

const ours = (secret: string | string[] = SECRET) => new Webhook(secret, { now: () => NOW });

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof WebhookVerificationError ? error.code : `other: ${error}`;
  }
  return undefined;
}

describe('standardwebhooks signs, callhook verifies', () => {
  it('gives the same signature for the same input', () => {
    const body = bodyOf('call.ended');
    assert.equal(
      new Webhook(SECRET).sign(ID, NOW, body),
      new standard.Webhook(SECRET).sign(ID, NOW, body),
    );
    assert.equal(
      new Webhook(SECRET).sign(ID, NOW, Buffer.from(body)),
      new standard.Webhook(SECRET).sign(ID, NOW, Buffer.from(body)),
    );
  });

  it('verifies its deliveries, with records, upper-case names and Headers', () => {
    const body = bodyOf('call.dtmf');
    const headers = theirHeaders(body);
    assert.equal(ours().verify(body, headers).eventType, 'call.dtmf');
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
    assert.equal(ours().verify(body, upper).eventType, 'call.dtmf');
    assert.equal(ours().verify(Buffer.from(body), new Headers(upper)).eventType, 'call.dtmf');
  });

  it('rotation: two signatures in one header, or one signature and two secrets', () => {
    const body = bodyOf('call.user.removed');
    const twoSignatures = theirHeaders(body, NOW, [OTHER_SECRET, SECRET]);
    assert.ok(ours(SECRET).verify(body, twoSignatures));
    assert.ok(ours(OTHER_SECRET).verify(body, twoSignatures));
    const signedWithOld = theirHeaders(body, NOW, [OTHER_SECRET]);
    assert.ok(ours([SECRET, OTHER_SECRET]).verify(body, signedWithOld));
    assert.equal(
      codeOf(() => ours(SECRET).verify(body, signedWithOld)),
      'bad_signature',
    );
  });

  it('tolerance edges: 300 s ok, 301 s rejected, both directions', () => {
    const body = bodyOf('call.created');
    assert.equal(
      codeOf(() => ours().verify(body, theirHeaders(body, shifted(-300)))),
      undefined,
    );
    assert.equal(
      codeOf(() => ours().verify(body, theirHeaders(body, shifted(300)))),
      undefined,
    );
    assert.equal(
      codeOf(() => ours().verify(body, theirHeaders(body, shifted(-301)))),
      'timestamp_too_old',
    );
    assert.equal(
      codeOf(() => ours().verify(body, theirHeaders(body, shifted(301)))),
      'timestamp_too_new',
    );
  });

  it('rejects tampering, a wrong secret and missing headers', () => {
    const body = bodyOf('call.ended');
    const headers = theirHeaders(body);
    assert.equal(
      codeOf(() => ours().verify(`${body} `, headers)),
      'bad_signature',
    );
    assert.equal(
      codeOf(() => ours(OTHER_SECRET).verify(body, headers)),
      'bad_signature',
    );
    const { 'webhook-signature': _, ...unsigned } = headers;
    assert.equal(
      codeOf(() => ours().verify(body, unsigned)),
      'missing_header',
    );
  });
});

describe('callhook signs, standardwebhooks verifies', () => {
  it('accepts our deliveries, from text and from bytes, with upper-case names', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: NOW });
    const body = bodyOf('call.created');
    assert.deepEqual(new standard.Webhook(SECRET).verify(body, ourHeaders(body)), JSON.parse(body));
    const bytes = Buffer.from(body);
    const upper = Object.fromEntries(
      Object.entries(ourHeaders(body)).map(([k, v]) => [k.toUpperCase(), v]),
    );
    assert.deepEqual(new standard.Webhook(SECRET).verify(bytes, upper), JSON.parse(body));
  });

  it('rotation: our signAll header passes with either secret alone', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: NOW });
    const body = bodyOf('call.user.invited');
    const headers = ourHeaders(body, NOW, [SECRET, OTHER_SECRET]);
    assert.equal(headers['webhook-signature'].split(' ').length, 2);
    assert.ok(new standard.Webhook(SECRET).verify(body, headers));
    assert.ok(new standard.Webhook(OTHER_SECRET).verify(body, headers));
    const third = `whsec_${Buffer.alloc(24, 3).toString('base64')}`;
    assert.throws(() => new standard.Webhook(third).verify(body, headers), /No matching signature/);
  });

  it('tolerance edges: 300 s ok, 301 s rejected, both directions', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: NOW });
    const body = bodyOf('call.created');
    const theirs = new standard.Webhook(SECRET);
    assert.ok(theirs.verify(body, ourHeaders(body, shifted(-300))));
    assert.ok(theirs.verify(body, ourHeaders(body, shifted(300))));
    assert.throws(() => theirs.verify(body, ourHeaders(body, shifted(-301))), /too old/);
    assert.throws(() => theirs.verify(body, ourHeaders(body, shifted(301))), /too new/);
  });

  it('rejects our signature over a tampered body or under another secret', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: NOW });
    const body = bodyOf('call.ended');
    const headers = ourHeaders(body);
    assert.throws(
      () => new standard.Webhook(SECRET).verify(body.replace('5599', '5600'), headers),
      /No matching signature/,
    );
    assert.throws(
      () => new standard.Webhook(OTHER_SECRET).verify(body, headers),
      /No matching signature/,
    );
  });
});
