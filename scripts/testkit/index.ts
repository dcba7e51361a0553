export * from './net.js';
export * from './redis.js';
export * from './cluster.js';
export * from './procs.js';
export * from './fake-openai.js';
export * from './fake-anthropic.js';
export * from './redis-stack.js';
