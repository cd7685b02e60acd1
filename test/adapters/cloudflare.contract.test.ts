import { CF_PERMISSION_GROUPS } from '../../sandbox/index.js';
import { SecretValue } from '../../core/secret.js';
import { storefrontTokenSpecSchema, type StorefrontTokenSpec } from '../../core/schema/storefront-token.js';
import { describeAdapterContract } from './contract.js';
import { cloudflareAdapter } from '../../core/platforms/cloudflare/adapter.js';

describeAdapterContract('cloudflare', (sandbox) => {
  const p = sandbox.platforms.cloudflare;
  const [first, second] = CF_PERMISSION_GROUPS;
  if (first === undefined || second === undefined) throw new Error('the sandbox seeds at least two permission groups');
  const account = `com.cloudflare.api.account.${p.accountId}`;
  return {
    adapter: cloudflareAdapter,
    connection: { baseUrl: p.baseUrl, credentials: { apiToken: new SecretValue(p.apiToken) } },
    spec: () =>
      storefrontTokenSpecSchema.parse({
        platform: 'cloudflare',
        cloudflare: {
          accountId: p.accountId,
          policies: [
            { effect: 'allow', permissionGroups: [second.id, first.id], resources: { [account]: '*' } },
            { effect: 'deny', permissionGroups: [first.id], resources: { [account]: JSON.stringify({ 'com.cloudflare.api.account.zone.*': '*' }) } },
          ],
          condition: { requestIp: { in: ['127.0.0.0/8', '::1/128'] } },
        },
        secret: { name: 'cf-token' },
      }),
    changed: (spec: StorefrontTokenSpec) => {
      const block = spec.cloudflare;
      if (block === undefined) return spec;
      return {
        ...spec,
        cloudflare: {
          ...block,
          policies: [{ effect: 'allow', permissionGroups: [first.id], resources: { [account]: '*' } }],
          condition: { requestIp: { in: ['127.0.0.0/8', '::1/128', '::ffff:127.0.0.0/104'], notIn: ['192.0.2.0/24'] } },
          notBefore: '2020-01-01T00:00:00Z',
        },
      };
    },
    works: async (value) => {
      const response = await fetch(`${p.baseUrl}/accounts/${p.accountId}/tokens/verify`, { headers: { Authorization: `Bearer ${value.reveal()}` } });
      await response.body?.cancel();
      return response.status === 200;
    },
  };
});
