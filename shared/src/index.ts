export * from './errors.js';
export * from './events.js';
export * from './sse.js';
export * from './template.js';
export * from './requests.js';
export * from './admin.js';
