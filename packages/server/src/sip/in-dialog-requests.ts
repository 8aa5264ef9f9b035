import type { AgentContext } from './agent-context.ts';
import { DTMF_INFO_TYPES, readDtmfInfo } from './dtmf-info.ts';
import { readOffer, writeAnswer } from './sdp-session.ts';
import { responseTo } from './serialize-sip-message.ts';
import type { ServerTransaction } from './server-transactions.ts';
import { dialogKeyOf, type SipLeg } from './sip-leg.ts';
import { cseqOf, header } from './sip-message.ts';

// Requests inside a dialog this agent answered: BYE (removed), re-INVITE / UPDATE (hold and
// resume by RFC 3264 §8.4: paused / unpaused), INFO (DTMF). Each answer goes out after the
// command it caused has committed. A request for no known dialog is 481.

export async function handleInDialog(agent: AgentContext, tx: ServerTransaction): Promise<void> {
  const request = tx.request;
  const leg = agent.legs.get(dialogKeyOf(request));
  if (!leg || leg.state === 'gone') {
    tx.respond(responseTo(request, 481));
    return;
  }
  switch (request.method) {
    case 'BYE':
      return bye(agent, tx, leg);
    case 'INVITE':
    case 'UPDATE':
      return offer(agent, tx, leg);
    case 'INFO':
      return info(agent, tx, leg);
  }
}

async function bye(agent: AgentContext, tx: ServerTransaction, leg: SipLeg): Promise<void> {
  const answered = leg.state === 'answered' || leg.state === 'confirmed';
  agent.drop(leg);
  if (answered) await leg.run(agent.service, { type: 'remove', userId: leg.userId }, agent.log);
  tx.respond(responseTo(tx.request, 200));
}

/** A new offer in the dialog: hold or resume; answered with callhook's SDP. */
async function offer(agent: AgentContext, tx: ServerTransaction, leg: SipLeg): Promise<void> {
  const request = tx.request;
  const isInvite = request.method === 'INVITE';
  if (leg.state !== 'confirmed' || (isInvite && leg.pendingReinvite)) {
    // An offer while ours is unanswered, or before the dialog is confirmed (RFC 3261 §14.2).
    tx.respond(responseTo(request, 491, { headers: { 'retry-after': '1' } }));
    return;
  }
  const contentType = header(request, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (request.body.length > 0 && contentType !== 'application/sdp') {
    tx.respond(responseTo(request, 415, { headers: { accept: 'application/sdp' } }));
    return;
  }
  const read = request.body.length > 0 ? readOffer(request.body.toString('utf8')) : undefined;
  if (read && !read.ok) {
    tx.respond(responseTo(request, 488, { headers: { warning: `304 callhook "${read.reason}"` } }));
    return;
  }
  const held = read?.ok ? read.offer.held : leg.held;
  if (held !== leg.held) {
    leg.held = held;
    const type = held ? 'pause' : 'unpause';
    await leg.run(agent.service, { type, userId: leg.userId }, agent.log);
  }
  if (read?.ok) leg.media.telephoneEvent = read.offer.telephoneEvent;
  leg.sdp = { ...leg.sdp, version: leg.sdp.version + 1 };
  if (isInvite) leg.pendingReinvite = { seq: cseqOf(request).seq, transaction: tx };
  tx.respond(
    responseTo(request, 200, {
      headers: { contact: agent.contact(tx.source) },
      body: {
        contentType: 'application/sdp',
        data: Buffer.from(writeAnswer(leg.sdp, read?.ok ? read.offer : undefined)),
      },
    }),
  );
}

async function info(agent: AgentContext, tx: ServerTransaction, leg: SipLeg): Promise<void> {
  const request = tx.request;
  if (request.body.length === 0) {
    tx.respond(responseTo(request, 200)); // an empty INFO is a keep-alive
    return;
  }
  const contentType = header(request, 'content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!(DTMF_INFO_TYPES as readonly string[]).includes(contentType)) {
    tx.respond(responseTo(request, 415, { headers: { accept: DTMF_INFO_TYPES.join(', ') } }));
    return;
  }
  const dtmf = readDtmfInfo(contentType, request.body.toString('utf8'));
  if (!dtmf.ok) {
    tx.respond(responseTo(request, 400, { headers: { warning: `399 callhook "${dtmf.reason}"` } }));
    return;
  }
  const done = await leg.run(
    agent.service,
    { type: 'dtmf', digits: dtmf.symbol, userId: leg.userId },
    agent.log,
  );
  tx.respond(responseTo(request, done ? 200 : 403));
}
