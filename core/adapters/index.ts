export * from './adapter.js';
export * from './capabilities.js';
export * from './capability-table.js';
export * from './registry.js';
export { avvyrAdapter, AvvyrClient } from './avvyr/index.js';
export { bigcommerceAdapter, BigCommerceClient, readBigCommerceClaims, type BigCommerceClaims } from './bigcommerce/index.js';
export { cloudflareAdapter, CloudflareClient, cloudflarePoliciesEqual, canonicalPolicies, type CloudflarePolicy } from './cloudflare/index.js';
export { wizcommerceAdapter, WizCommerceClient } from './wizcommerce/index.js';
export { HttpClient, type HttpRequest, type HttpResponse, type RetryPolicy } from './http/index.js';
