export * from './value.js';
export * from './diagnostic.js';
export * from './schema.js';
export * from './resource.js';
export * from './ephemeral.js';
export * from './provider.js';
export * from './default-plan.js';
