export * from './net.js';
export * from './redis.js';
export * from './procs.js';
