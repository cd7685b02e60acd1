import { configureProvider, validateProviderConfig } from './config/configure.js';
import type { ProviderContext } from './config/context.js';
import { providerSchema } from './config/schema.js';
import type { ProviderDefinition } from './framework/provider.js';
import { storefrontTokenResource } from './storefront-token/resource.js';
import { tokenValueResource } from './token-value/resource.js';

/**
 * definition is the provider main.ts serves: the sftoken provider block
 * (platform connections and the Kubernetes connection), the
 * sftoken_storefront_token resource and the ephemeral sftoken_token_value.
 * Modules are imported directly, not through provider/index.ts, to keep
 * esbuild out of the bundle.
 */
export const definition: ProviderDefinition<ProviderContext> = {
  name: 'sftoken',
  version: '0.1.0',
  schema: providerSchema,
  validate: ({ config }) => validateProviderConfig(config),
  configure: (request) => configureProvider(request),
  resources: [storefrontTokenResource],
  ephemeralResources: [tokenValueResource],
};
