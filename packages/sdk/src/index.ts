// @callhook/sdk — the event contract of callhook, and the tools a bot needs to receive it.
export * from './events/dtmf.ts';
export { EVENT_EXAMPLES } from './events/examples.ts';
export * from './events/identifiers.ts';
export * from './events/parse.ts';
export * from './events/schemas.ts';
