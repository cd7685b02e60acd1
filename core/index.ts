export * from './errors.js';
export * from './secret.js';
export * from './schema/index.js';
export * from './adapters/index.js';
