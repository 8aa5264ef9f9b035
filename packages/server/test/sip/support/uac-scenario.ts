// sipp UAC scenarios written from steps, so that each test reads as the call it makes. Every
// call takes its caller (field0) and the room it dials (field1) from an injection file.

export type UacStep =
  /** `ringing`: wait for the 180 only (the call is then cancelled). */
  | {
      kind: 'invite';
      direction?: 'sendrecv' | 'sendonly' | 'inactive';
      until?: 'answer' | 'ringing';
    }
  | { kind: 'invite-twice' }
  | { kind: 'ack' }
  | { kind: 'reinvite'; direction: 'sendrecv' | 'sendonly' | 'inactive' }
  | { kind: 'info'; signal: string }
  | { kind: 'pcap'; file: string; waitMs: number }
  | { kind: 'pause'; ms: number }
  | { kind: 'cancel' }
  | { kind: 'bye' }
  /** Wait for callhook's BYE (the API ended the call or removed the user) and answer 200. */
  | { kind: 'await-bye' }
  /** Wait for callhook's re-INVITE offering `direction` (the API paused / unpaused), answer it. */
  | { kind: 'await-reinvite'; direction: 'sendonly' | 'sendrecv' };

const HEAD = (method: string, cseq: number, options: { branch?: string; toTag?: boolean } = {}) =>
  [
    `${method} sip:[field1]@[remote_ip]:[remote_port] SIP/2.0`,
    `Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=${options.branch ?? '[branch]'};rport`,
    'From: <sip:[field0]@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]',
    `To: <sip:[field1]@[remote_ip]:[remote_port]>${options.toTag === false ? '' : '[peer_tag_param]'}`,
    'Call-ID: [call_id]',
    `CSeq: ${cseq} ${method}`,
    'Contact: <sip:[field0]@[local_ip]:[local_port]>',
    'Max-Forwards: 70',
  ].join('\n');

const sdp = (direction: string) =>
  [
    'v=0',
    'o=sipp 53655765 2353687637 IN IP[local_ip_type] [local_ip]',
    's=-',
    'c=IN IP[media_ip_type] [media_ip]',
    't=0 0',
    'm=audio [media_port] RTP/AVP 0 101',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-15',
    `a=${direction}`,
  ].join('\n');

const send = (text: string, retrans = true) =>
  `  <send${retrans ? ' retrans="500"' : ''}><![CDATA[\n${text}\n]]></send>`;

const withBody = (head: string, type: string, body: string) =>
  `${head}\nContent-Type: ${type}\nContent-Length: [len]\n\n${body}\n`;

const noBody = (head: string) => `${head}\nContent-Length: 0\n\n`;

export function uacScenario(steps: readonly UacStep[]): string {
  let cseq = 1;
  let lastInvite = 1;
  const out: string[] = [];
  for (const step of steps) {
    switch (step.kind) {
      case 'invite': {
        lastInvite = cseq;
        const head = HEAD('INVITE', cseq++, { toTag: false });
        out.push(send(withBody(head, 'application/sdp', sdp(step.direction ?? 'sendrecv'))));
        out.push('  <recv response="100" optional="true"/>');
        if (step.until === 'ringing') {
          out.push('  <recv response="180"/>');
          break;
        }
        out.push('  <recv response="180" optional="true"/>');
        out.push('  <recv response="200" rtd="true"/>');
        break;
      }
      case 'invite-twice': {
        // The same INVITE (same branch) twice, back to back: the copy arrives while the first
        // is being committed, and is answered from the transaction (its 100 Trying again).
        lastInvite = cseq;
        const head = HEAD('INVITE', cseq++, { branch: 'z9hG4bK-[call_id]-first', toTag: false });
        out.push(send(withBody(head, 'application/sdp', sdp('sendrecv')), false));
        out.push(send(withBody(head, 'application/sdp', sdp('sendrecv')), false));
        out.push('  <recv response="100" optional="true"/>');
        out.push('  <recv response="180"/>');
        out.push('  <recv response="200" rtd="true"/>');
        break;
      }
      case 'ack':
        out.push(send(noBody(HEAD('ACK', lastInvite)), false));
        break;
      case 'reinvite':
        lastInvite = cseq;
        out.push(send(withBody(HEAD('INVITE', cseq++), 'application/sdp', sdp(step.direction))));
        out.push('  <recv response="200"/>');
        out.push(send(noBody(HEAD('ACK', lastInvite)), false));
        break;
      case 'info':
        out.push(
          send(
            withBody(
              HEAD('INFO', cseq++),
              'application/dtmf-relay',
              `Signal=${step.signal}\nDuration=160`,
            ),
          ),
        );
        out.push('  <recv response="200"/>');
        break;
      case 'pcap':
        out.push(`  <nop><action><exec play_pcap_audio="${step.file}"/></action></nop>`);
        out.push(`  <pause milliseconds="${step.waitMs}"/>`);
        break;
      case 'pause':
        out.push(`  <pause milliseconds="${step.ms}"/>`);
        break;
      case 'cancel': {
        // CANCEL carries the INVITE's Via (its branch) and CSeq number (RFC 3261 §9.1).
        const cancel = [
          'CANCEL sip:[field1]@[remote_ip]:[remote_port] SIP/2.0',
          '[last_Via:]',
          'From: <sip:[field0]@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]',
          'To: <sip:[field1]@[remote_ip]:[remote_port]>',
          'Call-ID: [call_id]',
          `CSeq: ${lastInvite} CANCEL`,
          'Max-Forwards: 70',
        ].join('\n');
        out.push(send(noBody(cancel), false));
        out.push('  <recv response="200"/>');
        out.push('  <recv response="487"/>');
        const ack = [
          'ACK sip:[field1]@[remote_ip]:[remote_port] SIP/2.0',
          '[last_Via:]',
          'From: <sip:[field0]@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]',
          'To: <sip:[field1]@[remote_ip]:[remote_port]>[peer_tag_param]',
          'Call-ID: [call_id]',
          `CSeq: ${lastInvite} ACK`,
          'Max-Forwards: 70',
        ].join('\n');
        out.push(send(noBody(ack), false));
        break;
      }
      case 'await-bye': {
        out.push('  <recv request="BYE" timeout="20000"/>');
        const ok = [
          'SIP/2.0 200 OK',
          '[last_Via:]',
          '[last_From:]',
          '[last_To:]',
          '[last_Call-ID:]',
          '[last_CSeq:]',
          'Content-Length: 0',
          '',
        ].join('\n');
        out.push(send(ok, false));
        break;
      }
      case 'await-reinvite': {
        // check_it: the call fails unless the offer has this direction.
        out.push(
          `  <recv request="INVITE" timeout="20000"><action><ereg regexp="a=${step.direction}" search_in="body" check_it="true" assign_to="dir"/></action></recv>`,
        );
        const answer = step.direction === 'sendonly' ? 'recvonly' : 'sendrecv';
        const ok = [
          'SIP/2.0 200 OK',
          '[last_Via:]',
          '[last_From:]',
          '[last_To:]',
          '[last_Call-ID:]',
          '[last_CSeq:]',
          'Contact: <sip:[field0]@[local_ip]:[local_port]>',
          'Content-Type: application/sdp',
          'Content-Length: [len]',
          '',
          sdp(answer),
          '',
        ].join('\n');
        out.push(send(ok, false));
        out.push('  <recv request="ACK"/>');
        break;
      }
      case 'bye':
        out.push(send(noBody(HEAD('BYE', cseq++))));
        out.push('  <recv response="200" crlf="true"/>');
        break;
    }
  }
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>\n<scenario name="callhook-uac">\n${out.join('\n')}\n</scenario>\n`;
}
