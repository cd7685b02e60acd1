import { SecretValue } from '../../core/secret.js';
import { storefrontTokenSpecSchema } from '../../core/schema/storefront-token.js';
import { describeAdapterContract } from './contract.js';
import { bigcommerceAdapter } from '../../core/platforms/bigcommerce/adapter.js';

const ORIGIN = 'https://shop.example.com';

describeAdapterContract('bigcommerce', (sandbox) => {
  const p = sandbox.platforms.bigcommerce;
  return {
    adapter: bigcommerceAdapter,
    connection: { baseUrl: p.baseUrl, credentials: { accessToken: new SecretValue(p.accessToken) } },
    spec: () =>
      storefrontTokenSpecSchema.parse({
        platform: 'bigcommerce',
        bigcommerce: { storeHash: p.storeHash, kind: 'storefront', channelIds: [1, 2], allowedCorsOrigins: [ORIGIN] },
        secret: { name: 'bc-token' },
      }),
    changed: (spec) => spec,
    // Storefront tokens made after 2026-06-30 only work from an allowed browser origin.
    works: async (value) => {
      const response = await fetch(`${p.baseUrl}/stores/${p.storeHash}/graphql`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${value.reveal()}`, Origin: ORIGIN, 'Content-Type': 'application/json' },
        body: JSON.stringify({ query: '{ site { settings { storeName } } }' }),
      });
      await response.body?.cancel();
      return response.status === 200;
    },
  };
});
