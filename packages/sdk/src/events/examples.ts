import type { CallEventOf, CallEventType } from './schemas.ts';

// The body examples of the user's document, as strict JSON (its missing commas were a
// typo, docs/contract.md §1). `call.dtmf` carries both `dtmf` and `dtmfNumber` as the contract
// fixes. Used by the docs (AsyncAPI, events.md) and by the tests.
export const EVENT_EXAMPLES: { readonly [T in CallEventType]: CallEventOf<T> } = {
  'call.created': {
    eventType: 'call.created',
    callId: '522a2f93-4463-4040-8176-947b2c77bd0f',
    threadId: '595b405b81d3f8001497603d',
    streamId: '5a5f27c9e0ab3e001455d10e',
    createdAt: 1539761084401,
  },
  'call.ended': {
    eventType: 'call.ended',
    callId: '522a2f93-4463-4040-8176-947b2c77bd0f',
    threadId: '595b405b81d3f8001497603d',
    streamId: '5a5f27c9e0ab3e001455d10e',
    dialogDuration: 5554,
    callDuration: 5599,
  },
  'call.user.invited': {
    eventType: 'call.user.invited',
    callId: '522a2f93-4463-4040-8176-947b2c77bd0f',
    threadId: '595b405b81d3f8001497603d',
    streamId: '595b405b81d3f8001497603d',
    userId: '595b405b81d3f8001497603d',
  },
  'call.user.removed': {
    eventType: 'call.user.removed',
    callId: '522a2f93-4463-4040-8176-947b2c77bd0f',
    threadId: '595b405b81d3f8001497603d',
    streamId: '595b405b81d3f8001497603d',
    userId: '595b405b81d3f8001497603d',
  },
  'call.user.paused': {
    eventType: 'call.user.paused',
    callId: '522a2f93-4463-4040-8176-947b2c77bd0f',
    threadId: '595b405b81d3f8001497603d',
    streamId: '595b405b81d3f8001497603d',
    userId: '595b405b81d3f8001497603d',
  },
  'call.user.unpaused': {
    eventType: 'call.user.unpaused',
    callId: '522a2f93-4463-4040-8176-947b2c77bd0f',
    threadId: '595b405b81d3f8001497603d',
    streamId: '595b405b81d3f8001497603d',
    userId: '595b405b81d3f8001497603d',
  },
  'call.dtmf': {
    eventType: 'call.dtmf',
    callId: '522a2f93-4463-4040-8176-947b2c77bd0f',
    threadId: '595b405b81d3f8001497603d',
    streamId: '595b405b81d3f8001497603d',
    dtmf: '1',
    dtmfNumber: 1,
  },
};
