export * from './adapter.js';
export * from './capabilities.js';
export * from './client.js';
export * from './name-marker.js';
export * from './policies.js';
export * from './token-id.js';
export * from './wire.js';
