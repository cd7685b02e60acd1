export * from './dotenv.js';
export * from './formats.js';
export * from './secret-content.js';
