export * from './adapter.js';
export * from './capabilities.js';
export * from './platform.js';
