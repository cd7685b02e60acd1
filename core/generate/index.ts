export * from './crd.js';
export * from './docs.js';
export * from './json-schema.js';
