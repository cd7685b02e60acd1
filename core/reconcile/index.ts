export * from './decide.js';
export * from './diff.js';
export * from './facts.js';
export * from './schedule.js';
