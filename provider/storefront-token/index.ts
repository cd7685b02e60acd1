export { storefrontTokenResource } from './resource.js';
export { resourceSchema, TYPE_NAME, SECRET_PREVIOUS_KEY } from './schema.js';
export { OWNER_ANNOTATION } from './ownership.js';
export { FINGERPRINT_ANNOTATION } from '../../core/schema/delivery.js';
