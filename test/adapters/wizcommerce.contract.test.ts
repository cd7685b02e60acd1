import { SecretValue } from '../../core/secret.js';
import { storefrontTokenSpecSchema } from '../../core/schema/storefront-token.js';
import { describeAdapterContract } from './contract.js';
import { wizcommerceAdapter } from '../../core/platforms/wizcommerce/adapter.js';

describeAdapterContract('wizcommerce', (sandbox) => {
  const p = sandbox.platforms.wizcommerce;
  return {
    adapter: wizcommerceAdapter,
    connection: { baseUrl: p.baseUrl, credentials: { email: new SecretValue(p.email), password: new SecretValue(p.password) } },
    spec: () => storefrontTokenSpecSchema.parse({ platform: 'wizcommerce', wizcommerce: { accountEmail: p.email }, secret: { name: 'wiz-token' } }),
    changed: (spec) => spec,
    works: async (value) => {
      const response = await fetch(`${p.baseUrl}/v1/products`, { headers: { 'X-API-Key': value.reveal() } });
      await response.body?.cancel();
      return response.status === 200;
    },
  };
});
