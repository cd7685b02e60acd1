export * from './adapter-contract.js';
export * from './scripted-random.js';
