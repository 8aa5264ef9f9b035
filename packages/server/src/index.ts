// callhook server: public entry points for embedding and tests.
export * from './clock.ts';
export * from './engine/call-engine.ts';
export * from './engine/call-state.ts';
export * from './engine/commands.ts';
export * from './engine/engine-error.ts';
export * from './errors.ts';
export * from './http/app.ts';
export type { TokenVerifier } from './http/bearer-auth.ts';
export type * from './store/port.ts';
export * from './store/sqlite/index.ts';
