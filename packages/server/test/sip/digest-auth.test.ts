import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  DigestAuth,
  digestParams,
  NONCE_TTL_MS,
  REALM,
  sipUserRecord,
} from '../../src/sip/digest-auth.ts';

// Digest authentication of REGISTER (RFC 2617 / RFC 8760, qop=auth) as a phone computes it:
// a right answer passes, a wrong password, user or forged nonce does not, an old nonce is stale.

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function answer(
  challenge: string,
  user: string,
  password: string,
  algorithm: 'MD5' | 'SHA-256' = 'MD5',
) {
  const h = algorithm === 'MD5' ? md5 : sha256;
  const { nonce } = digestParams(challenge)!;
  const uri = 'sip:127.0.0.1:5060';
  const ha1 = h(`${user}:${REALM}:${password}`);
  const ha2 = h(`REGISTER:${uri}`);
  const response = h(`${ha1}:${nonce}:00000001:c0ffee:auth:${ha2}`);
  return `Digest username="${user}", realm="${REALM}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=${algorithm}, cnonce="c0ffee", qop=auth, nc=00000001`;
}

test('the right answer passes; a wrong password, user, or forged nonce does not', () => {
  const auth = new DigestAuth();
  const now = 1_000_000;
  const [challenge] = auth.challenges(now);
  assert.match(challenge!, /^Digest realm="callhook", nonce="[^"]+", algorithm=MD5, qop="auth"$/);
  const bob = sipUserRecord('bob', 'correct-horse', now);
  assert.notEqual(bob.ha1Md5, 'correct-horse');
  assert.equal(
    auth.verify(answer(challenge!, 'bob', 'correct-horse'), 'REGISTER', bob, now + 10),
    'ok',
  );
  assert.equal(
    auth.verify(answer(challenge!, 'bob', 'correct-horse', 'SHA-256'), 'REGISTER', bob, now),
    'ok',
  );
  assert.equal(auth.verify(answer(challenge!, 'bob', 'wrong-horse'), 'REGISTER', bob, now), 'bad');
  assert.equal(
    auth.verify(answer(challenge!, 'eve', 'correct-horse'), 'REGISTER', bob, now),
    'bad',
  );
  assert.equal(
    auth.verify(answer(challenge!, 'bob', 'correct-horse'), 'INVITE', bob, now),
    'bad',
    'another method',
  );
  assert.equal(
    auth.verify(answer(challenge!, 'bob', 'correct-horse'), 'REGISTER', undefined, now),
    'bad',
  );
  const forged = 'Digest realm="callhook", nonce="1.00000000000000000000000000000000"';
  assert.equal(auth.verify(answer(forged, 'bob', 'correct-horse'), 'REGISTER', bob, now), 'bad');
  const other = new DigestAuth(); // another process: its nonces are not ours
  assert.equal(
    other.verify(answer(challenge!, 'bob', 'correct-horse'), 'REGISTER', bob, now),
    'bad',
  );
  assert.equal(auth.verify('Basic Ym9iOnB3', 'REGISTER', bob, now), 'bad');
});

test('a right answer to an old nonce is stale, and the new challenge says so', () => {
  const auth = new DigestAuth();
  const [challenge] = auth.challenges(0);
  const bob = sipUserRecord('bob', 'correct-horse', 0);
  assert.equal(
    auth.verify(answer(challenge!, 'bob', 'correct-horse'), 'REGISTER', bob, NONCE_TTL_MS + 1),
    'stale',
  );
  assert.match(auth.challenges(NONCE_TTL_MS + 1, true)[0]!, /stale=true$/);
});
