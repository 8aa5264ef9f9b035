import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  EVENT_EXAMPLES,
  EVENT_TYPES,
  generateSecret,
  Webhook,
  WebhookVerificationError,
  type WebhookVerificationErrorCode,
} from '@callhook/sdk';
import { bodyOf, OTHER_SECRET, SECRET } from './support/signed-delivery.ts';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const ID = 'evt_7a1c6c1e-2c55-4f0e-9a4e-3a1b0f5c9d21';

function headersFor(body: string | Uint8Array, date = NOW, secret: string | string[] = SECRET) {
  return {
    'webhook-id': ID,
    'webhook-timestamp': String(Math.floor(date.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).signAll(ID, date, body),
  };
}

function verifier(secret: string | string[] = SECRET, tolerance?: number) {
  return new Webhook(secret, { now: () => NOW, ...(tolerance === undefined ? {} : { tolerance }) });
}

function rejects(fn: () => unknown, code: WebhookVerificationErrorCode): WebhookVerificationError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof WebhookVerificationError, `expected a ${code} error, got ${caught}`);
  assert.equal(caught.code, code);
  return caught;
}

describe('Webhook.sign', () => {
  it('matches the published Standard Webhooks / svix test vector', () => {
    const webhook = new Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    const signature = webhook.sign(
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      new Date(1614265330 * 1000),
      '{"test": 2432232314}',
    );
    assert.equal(signature, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('reads a secret without the whsec_ prefix as the same key', () => {
    const body = bodyOf('call.created');
    assert.equal(
      new Webhook(SECRET.slice('whsec_'.length)).sign(ID, NOW, body),
      new Webhook(SECRET).sign(ID, NOW, body),
    );
  });

  it('signs a string and its UTF-8 bytes alike, and uses whole seconds', () => {
    const body = '{"note":"Grüße ☎"}';
    const webhook = new Webhook(SECRET);
    assert.equal(
      webhook.sign(ID, NOW, body),
      webhook.sign(ID, NOW, new TextEncoder().encode(body)),
    );
    assert.equal(
      webhook.sign(ID, NOW, body),
      webhook.sign(ID, new Date(NOW.getTime() + 999), body),
    );
    assert.notEqual(
      webhook.sign(ID, NOW, body),
      webhook.sign(ID, new Date(NOW.getTime() + 1000), body),
    );
  });

  it('signs with the first secret; signAll gives one v1 signature per secret', () => {
    const body = bodyOf('call.ended');
    const both = new Webhook([SECRET, OTHER_SECRET]);
    assert.equal(both.sign(ID, NOW, body), new Webhook(SECRET).sign(ID, NOW, body));
    assert.equal(
      both.signAll(ID, NOW, body),
      `${new Webhook(SECRET).sign(ID, NOW, body)} ${new Webhook(OTHER_SECRET).sign(ID, NOW, body)}`,
    );
    assert.match(both.sign(ID, NOW, body), /^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('refuses unusable secrets with bad_secret', () => {
    for (const secret of ['', 'whsec_', 'whsec_not base64!', 'whsec_abc$def']) {
      rejects(() => new Webhook(secret), 'bad_secret');
    }
    rejects(() => new Webhook([]), 'bad_secret');
  });

  it('generates whsec_ secrets of at least 24 random bytes that it can use', () => {
    const secret = generateSecret();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{32}$/);
    assert.notEqual(secret, generateSecret());
    assert.doesNotThrow(() => new Webhook(secret));
    assert.throws(() => generateSecret(16), RangeError);
  });
});

describe('Webhook.verify', () => {
  it('returns the typed event for every event type', () => {
    for (const type of EVENT_TYPES) {
      const body = bodyOf(type);
      assert.deepEqual(verifier().verify(body, headersFor(body)), EVENT_EXAMPLES[type]);
    }
  });

  it('accepts bytes as well as text', () => {
    const bytes = new TextEncoder().encode(bodyOf('call.dtmf'));
    assert.equal(verifier().verify(bytes, headersFor(bytes)).eventType, 'call.dtmf');
  });

  it('reads header names case-insensitively, from records and from Headers', () => {
    const body = bodyOf('call.user.invited');
    const lower = headersFor(body);
    const upper = Object.fromEntries(Object.entries(lower).map(([k, v]) => [k.toUpperCase(), v]));
    assert.equal(verifier().verify(body, upper).eventType, 'call.user.invited');
    assert.equal(verifier().verify(body, new Headers(upper)).eventType, 'call.user.invited');
    // node's IncomingHttpHeaders may hold arrays for repeated headers
    const withArray = { ...lower, 'webhook-signature': ['v1,AAAA', lower['webhook-signature']] };
    assert.equal(verifier().verify(body, withArray).eventType, 'call.user.invited');
  });

  it('accepts any one matching v1 signature, with any one of its secrets (rotation)', () => {
    const body = bodyOf('call.user.paused');
    const signedWithOld = headersFor(body, NOW, OTHER_SECRET);
    assert.ok(verifier([SECRET, OTHER_SECRET]).verify(body, signedWithOld));
    const signedWithBoth = headersFor(body, NOW, [OTHER_SECRET, SECRET]);
    assert.ok(verifier(SECRET).verify(body, signedWithBoth));
    assert.ok(verifier(OTHER_SECRET).verify(body, signedWithBoth));
  });

  it('ignores other signature versions and malformed entries', () => {
    const body = bodyOf('call.user.unpaused');
    const headers = headersFor(body);
    const good = headers['webhook-signature'];
    const mixed = { ...headers, 'webhook-signature': `v2,${good.slice(3)} v1 junk ${good}` };
    assert.ok(verifier().verify(body, mixed));
    const onlyV2 = { ...headers, 'webhook-signature': `v2,${good.slice(3)} v1a,${good.slice(3)}` };
    rejects(() => verifier().verify(body, onlyV2), 'bad_signature');
  });

  it('reads signatures from Headers that joined repeated values with ", "', () => {
    const body = bodyOf('call.created');
    const { 'webhook-signature': good, ...rest } = headersFor(body);
    const headers = new Headers(rest);
    headers.append('webhook-signature', 'v1,d3JvbmdzaWduYXR1cmU=');
    headers.append('webhook-signature', good);
    assert.ok(verifier().verify(body, headers));
  });

  it('rejects a tampered body, a wrong secret, a changed id or timestamp: bad_signature', () => {
    const body = bodyOf('call.ended');
    const headers = headersFor(body);
    rejects(() => verifier().verify(body.replace('5554', '5553'), headers), 'bad_signature');
    rejects(() => verifier(OTHER_SECRET).verify(body, headers), 'bad_signature');
    rejects(
      () => verifier().verify(body, { ...headers, 'webhook-id': 'evt_other' }),
      'bad_signature',
    );
    const later = String(Number(headers['webhook-timestamp']) + 1);
    rejects(
      () => verifier().verify(body, { ...headers, 'webhook-timestamp': later }),
      'bad_signature',
    );
    const truncated = {
      ...headers,
      'webhook-signature': headers['webhook-signature'].slice(0, -2),
    };
    rejects(() => verifier().verify(body, truncated), 'bad_signature');
  });

  it('requires webhook-id, webhook-timestamp and webhook-signature: missing_header', () => {
    const body = bodyOf('call.created');
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) {
      const headers: Record<string, string> = { ...headersFor(body) };
      delete headers[name];
      const error = rejects(() => verifier().verify(body, headers), 'missing_header');
      assert.match(error.message, new RegExp(name));
      rejects(
        () => verifier().verify(body, { ...headersFor(body), [name]: ' ' }),
        'missing_header',
      );
    }
  });

  it('rejects an unparseable timestamp: bad_timestamp', () => {
    const body = bodyOf('call.created');
    for (const value of ['soon', '1.5', '-1', '0x10', '1e9']) {
      const headers = { ...headersFor(body), 'webhook-timestamp': value };
      rejects(() => verifier().verify(body, headers), 'bad_timestamp');
    }
  });

  it('accepts exactly 300 s of clock distance both ways, and rejects 301 s', () => {
    const body = bodyOf('call.created');
    const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
    assert.ok(verifier().verify(body, headersFor(body, at(-300))));
    assert.ok(verifier().verify(body, headersFor(body, at(300))));
    rejects(() => verifier().verify(body, headersFor(body, at(-301))), 'timestamp_too_old');
    rejects(() => verifier().verify(body, headersFor(body, at(301))), 'timestamp_too_new');
  });

  it('takes the tolerance and the clock from its options', () => {
    const body = bodyOf('call.created');
    const headers = headersFor(body, new Date(NOW.getTime() - 60_000));
    rejects(() => verifier(SECRET, 59).verify(body, headers), 'timestamp_too_old');
    assert.ok(verifier(SECRET, 60).verify(body, headers));
    const asMillis = new Webhook(SECRET, { now: () => NOW.getTime() });
    assert.ok(asMillis.verify(body, headersFor(body)));
  });

  it('checks the timestamp before the body: an old replay is refused even if well signed', () => {
    const body = bodyOf('call.created');
    const replay = headersFor(body, new Date(NOW.getTime() - 3_600_000));
    rejects(() => verifier().verify(body, replay), 'timestamp_too_old');
  });

  it('rejects a well-signed body that is not a call event: invalid_body with its issues', () => {
    const notJson = '{"eventType": "call.created",';
    const error = rejects(() => verifier().verify(notJson, headersFor(notJson)), 'invalid_body');
    assert.equal(error.issues[0]?.path, '(root)');

    const badField = JSON.stringify({ ...EVENT_EXAMPLES['call.ended'], callDuration: -1 });
    const fieldError = rejects(
      () => verifier().verify(badField, headersFor(badField)),
      'invalid_body',
    );
    assert.ok(fieldError.issues.some((issue) => issue.path === 'callDuration'));
    assert.equal((fieldError.cause as { code?: string }).code, 'invalid_event');
  });

  it('verifySignature checks authenticity without reading the body', () => {
    const body = 'not json at all';
    const delivery = verifier().verifySignature(body, headersFor(body));
    assert.equal(delivery.id, ID);
    assert.equal(delivery.timestamp.getTime(), Math.floor(NOW.getTime() / 1000) * 1000);
  });
});
