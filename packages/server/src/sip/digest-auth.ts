import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SipUser } from '../store/sip-port.ts';

// HTTP digest authentication for REGISTER (RFC 3261 §22, RFC 8760 for SHA-256, qop=auth). The
// server keeps H(user:realm:password) only; a nonce is this process's HMAC of its issue time,
// so nonces need no table and a stale one (older than NONCE_TTL_MS) is refused with stale=true.

export const REALM = 'callhook';
export const NONCE_TTL_MS = 5 * 60_000;

type Algorithm = 'MD5' | 'SHA-256';

const hash = (algorithm: Algorithm, text: string) =>
  createHash(algorithm === 'MD5' ? 'md5' : 'sha256')
    .update(text)
    .digest('hex');

/** The stored form of a password (RFC 8760 §3: the same H(A1) the client computes). */
export function sipUserRecord(userId: string, password: string, createdAt: number): SipUser {
  const a1 = `${userId}:${REALM}:${password}`;
  return {
    userId,
    realm: REALM,
    ha1Md5: hash('MD5', a1),
    ha1Sha256: hash('SHA-256', a1),
    createdAt,
  };
}

export class DigestAuth {
  private readonly key = randomBytes(32);

  /**
   * The `WWW-Authenticate` values: MD5 only. A SHA-256 challenge beside it (RFC 8760) makes
   * libre-based phones (baresip 1.0) refuse the whole exchange, so it is not offered; an
   * answer with algorithm=SHA-256 is still checked against the stored SHA-256 hash.
   */
  challenges(now: number, stale = false): string[] {
    const nonce = this.nonce(now);
    return [
      `Digest realm="${REALM}", nonce="${nonce}", algorithm=MD5, qop="auth"${stale ? ', stale=true' : ''}`,
    ];
  }

  /**
   * Checks an `Authorization` header for `method`: `ok`, `stale` (a good answer to an old
   * nonce: challenge again), or `bad`.
   */
  verify(
    authorization: string,
    method: string,
    user: SipUser | undefined,
    now: number,
  ): 'ok' | 'stale' | 'bad' {
    const params = digestParams(authorization);
    if (!params || !user || params.username !== user.userId || params.realm !== user.realm)
      return 'bad';
    const algorithm: Algorithm =
      (params.algorithm ?? 'MD5').toUpperCase() === 'SHA-256' ? 'SHA-256' : 'MD5';
    const ha1 = algorithm === 'MD5' ? user.ha1Md5 : user.ha1Sha256;
    const ha2 = hash(algorithm, `${method}:${params.uri ?? ''}`);
    const expected =
      params.qop === 'auth'
        ? hash(algorithm, `${ha1}:${params.nonce}:${params.nc}:${params.cnonce}:auth:${ha2}`)
        : hash(algorithm, `${ha1}:${params.nonce}:${ha2}`);
    const given = Buffer.from(params.response ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected)))
      return 'bad';
    const issued = this.issuedAt(params.nonce ?? '');
    if (issued === null) return 'bad';
    return now - issued > NONCE_TTL_MS ? 'stale' : 'ok';
  }

  private nonce(now: number): string {
    const time = now.toString(16);
    return `${time}.${createHmac('sha256', this.key).update(time).digest('hex').slice(0, 32)}`;
  }

  private issuedAt(nonce: string): number | null {
    const [time] = nonce.split('.');
    if (!time || !/^[0-9a-f]{1,13}$/.test(time) || this.nonce(Number.parseInt(time, 16)) !== nonce)
      return null;
    return Number.parseInt(time, 16);
  }
}

/** `Digest username="a", realm="b", …` as a record (quoted or bare values). */
export function digestParams(header: string): Record<string, string> | null {
  const match = /^\s*Digest\s+(.*)$/is.exec(header);
  if (!match) return null;
  const out: Record<string, string> = {};
  const re = /([a-zA-Z0-9-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (const m of match[1]!.matchAll(re)) out[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  return out;
}
