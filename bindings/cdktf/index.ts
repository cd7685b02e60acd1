export { SftokenProvider, type SftokenProviderConfig } from './provider.generated.js';
export { StorefrontToken, type StorefrontTokenConfig } from './storefront-token.generated.js';
