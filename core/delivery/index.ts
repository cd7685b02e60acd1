export * from './secret-content.js';
