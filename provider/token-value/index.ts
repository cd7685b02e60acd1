export { tokenValueResource } from './resource.js';
export { TYPE_NAME, DEFAULT_KEY, DEFAULT_EXPIRES_AT_KEY, tokenValueSchema } from './schema.js';
export { classifyDelivery } from './delivery.js';
export type { Delivery, DeliveryFacts } from './delivery.js';
export { renewAtFor, renewalOf, RENEW_MARGIN_MS } from './renewal.js';
export type { Renewal } from './renewal.js';
