import type { ScriptStep } from './script-builder.ts';

// How each script step goes over the control API (docs/contract.md §3).

export interface CommandRequest {
  method: 'POST' | 'DELETE';
  /** Relative to the server's base URL. */
  path: string;
  body?: string;
}

export function commandRequest(step: ScriptStep, callId: string | undefined): CommandRequest {
  if (step.op === 'create') {
    return {
      method: 'POST',
      path: '/v1/calls',
      body: JSON.stringify({ threadId: step.threadId, streamId: step.streamId }),
    };
  }
  if (callId === undefined) throw new Error(`script bug: ${step.op} before the call exists`);
  const call = `/v1/calls/${callId}`;
  switch (step.op) {
    case 'invite':
      return {
        method: 'POST',
        path: `${call}/participants`,
        body: JSON.stringify({ userId: step.userId }),
      };
    case 'join':
    case 'pause':
    case 'unpause':
      return { method: 'POST', path: `${call}/participants/${step.userId}/${step.op}` };
    case 'remove':
      return { method: 'DELETE', path: `${call}/participants/${step.userId}` };
    case 'dtmf':
      return {
        method: 'POST',
        path: `${call}/dtmf`,
        body: JSON.stringify({ digits: step.digits, userId: step.userId }),
      };
    case 'end':
      return { method: 'POST', path: `${call}/end` };
  }
}
