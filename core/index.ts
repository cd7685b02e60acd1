export * from './errors.js';
export * from './secret.js';
export * from './contract/index.js';
export * from './schema/index.js';
export * from './platforms/index.js';
export * from './delivery/index.js';
export * from './reconcile/index.js';
