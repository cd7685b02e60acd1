import { SecretValue } from '../../core/secret.js';
import { storefrontTokenSpecSchema, type StorefrontTokenSpec } from '../../core/schema/storefront-token.js';
import { describeAdapterContract } from './contract.js';
import { avvyrAdapter } from '../../core/platforms/avvyr/adapter.js';

for (const level of ['tenant', 'market'] as const) {
  describeAdapterContract(`avvyr (${level} level)`, (sandbox) => {
    const p = sandbox.platforms.avvyr;
    const marketId = p.marketIds[0];
    return {
      adapter: avvyrAdapter,
      connection: { baseUrl: p.baseUrl, credentials: { apiKey: new SecretValue(p.apiKey) } },
      spec: () =>
        storefrontTokenSpecSchema.parse({
          platform: 'avvyr',
          avvyr: { tenantId: p.tenantId, level, ...(level === 'market' ? { marketId } : {}), allowedOrigins: ['https://shop.example.com'] },
          secret: { name: 'avvyr-token' },
        }),
      changed: (spec: StorefrontTokenSpec) =>
        spec.avvyr === undefined ? spec : { ...spec, avvyr: { ...spec.avvyr, allowedOrigins: ['https://a.example.com', 'https://b.example.com:8443'] } },
      works: async (value) => {
        const response = await fetch(`${p.baseUrl}/storefront/v1/shop`, { headers: { 'X-Avvyr-Storefront-Token': value.reveal() } });
        await response.body?.cancel();
        return response.status === 200;
      },
    };
  });
}
