export * from './registry.js';
export * from './avvyr/index.js';
export * from './bigcommerce/index.js';
export * from './cloudflare/index.js';
export * from './wizcommerce/index.js';
export { HttpClient, type HttpRequest, type HttpResponse, type RetryPolicy } from './http/index.js';
