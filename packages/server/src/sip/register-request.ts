import type { Clock } from '../clock.ts';
import type { SipDirectory } from '../store/sip-port.ts';
import type { DigestAuth } from './digest-auth.ts';
import type { Registrations } from './registrations.ts';
import { responseTo } from './serialize-sip-message.ts';
import type { Peer, ServerTransaction } from './server-transactions.ts';
import { paramOf, parseNameAddr } from './sip-headers.ts';
import { header } from './sip-message.ts';

// REGISTER (RFC 3261 §10.3) with digest authentication: the To URI's user part is the userId,
// whose credentials were set through POST /v1/sip/users. A good REGISTER records where INVITEs
// to the user go; `Contact: *` with `Expires: 0` (or a contact's expires=0) removes it.

export const MAX_EXPIRES_S = 3_600;
const DEFAULT_EXPIRES_S = 3_600;

export interface RegisterDeps {
  directory: SipDirectory;
  auth: DigestAuth;
  registrations: Registrations;
  clock: Clock;
}

export async function handleRegister(
  deps: RegisterDeps,
  tx: ServerTransaction,
  from: Peer,
  tag: string,
): Promise<void> {
  const request = tx.request;
  const answer = (status: number, headers: Record<string, string> = {}) => {
    const response = responseTo(request, status, { toTag: tag, headers });
    return response;
  };
  const to = parseNameAddr(header(request, 'to') ?? '');
  if (!to?.user) {
    tx.respond(answer(400, { warning: '399 callhook "To has no user part"' }));
    return;
  }
  const now = deps.clock.now();
  const authorization = header(request, 'authorization');
  const challenge = (stale: boolean) => {
    const response = answer(401);
    response.headers.set('www-authenticate', deps.auth.challenges(now, stale));
    tx.respond(response);
  };
  if (!authorization) return challenge(false);
  const user = await deps.directory.getUser(to.user);
  const verdict = deps.auth.verify(authorization, 'REGISTER', user, now);
  if (verdict === 'stale') return challenge(true);
  if (verdict === 'bad') {
    tx.respond(answer(403, { warning: '399 callhook "wrong user name or password"' }));
    return;
  }
  const contactValue = header(request, 'contact');
  const expiresHeader = Number(header(request, 'expires') ?? DEFAULT_EXPIRES_S);
  if (contactValue === undefined) {
    // A query: the bindings are answered without change.
    const binding = deps.registrations.lookup(to.user, now);
    tx.respond(
      answer(200, binding ? { contact: contactOf(binding.contact, binding.expiresAt, now) } : {}),
    );
    return;
  }
  if (contactValue.trim() === '*') {
    deps.registrations.bind(to.user, null);
    tx.respond(answer(200));
    return;
  }
  const contact = parseNameAddr(contactValue);
  if (!contact) {
    tx.respond(answer(400, { warning: '399 callhook "unreadable Contact"' }));
    return;
  }
  const close = contactValue.lastIndexOf('>');
  const contactExpires = paramOf(close >= 0 ? contactValue.slice(close + 1) : '', 'expires');
  const requested = Number(contactExpires ?? expiresHeader);
  const expires = Number.isFinite(requested)
    ? Math.min(Math.max(0, Math.floor(requested)), MAX_EXPIRES_S)
    : DEFAULT_EXPIRES_S;
  if (expires === 0) {
    deps.registrations.bind(to.user, null);
    tx.respond(answer(200));
    return;
  }
  const expiresAt = now + expires * 1000;
  if (!deps.registrations.bind(to.user, { contact: contact.uri, peer: from, expiresAt })) {
    tx.respond(answer(503, { 'retry-after': '60' }));
    return;
  }
  tx.respond(
    answer(200, { contact: contactOf(contact.uri, expiresAt, now), expires: String(expires) }),
  );
}

function contactOf(uri: string, expiresAt: number, now: number): string {
  return `<${uri}>;expires=${Math.max(0, Math.round((expiresAt - now) / 1000))}`;
}
