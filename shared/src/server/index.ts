/**
 * `@chat/shared/server`: the Node-only plumbing both services share (config tables, error mapping,
 * request ids, drain and shutdown, the Redis client and its scripts, metrics hooks). The widget and
 * the console import `@chat/shared` only; nothing here may reach a browser bundle.
 */
export * from './config.js';
export * from './http.js';
export * from './lifecycle.js';
export * from './redis.js';
export * from './metrics.js';
