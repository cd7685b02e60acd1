export * from './adapter.js';
export * from './capabilities.js';
export * from './client.js';
export * from './jwt.js';
export * from './wire.js';
export * from './platform.js';
export * from './spec.js';
