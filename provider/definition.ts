import type { ProviderDefinition } from './framework/provider.js';

/**
 * definition is the provider main.ts serves. It is the seam where the
 * StorefrontToken resource plugs in: the lead replaces this module with the
 * real provider (configuration block, configure, resources). Until then the
 * provider has an empty configuration and no resources, which is still a
 * valid provider Terraform can install and ask for its schema.
 */
export const definition: ProviderDefinition<undefined> = {
  name: 'sftoken',
  version: '0.1.0',
  schema: { attributes: {}, description: 'Short-lived storefront and platform API tokens.' },
  configure: () => ({ context: undefined }),
  resources: [],
};
