import { describe, expect, it } from 'vitest';
import { isCoreError } from '../../errors.js';
import { SecretValue } from '../../secret.js';
import { storefrontTokenSpecSchema } from '../../schema/storefront-token.js';
import { WizCommerceClient } from './client.js';

describe('WizCommerceClient.issue', () => {
  it('revokes a token of the wrong account and names the spec field', async () => {
    const sent: { method: string; key: string | null }[] = [];
    const password = new SecretValue('hunter2-password');
    const client = new WizCommerceClient(
      { baseUrl: 'http://127.0.0.1:9', credentials: { email: new SecretValue('other@example.com'), password } },
      {
        fetch: (_url, init) => {
          sent.push({ method: init?.method ?? 'GET', key: new Headers(init?.headers).get('x-api-key') });
          const body = init?.method === 'POST' ? { token_id: 't1', token_type: 'Bearer', expires_at: '2027-01-01T00:00:00Z', user: { email: 'other@example.com' }, access_token: 'api_prod_value123456' } : { message: 'Token revoked successfully' };
          return Promise.resolve(new Response(JSON.stringify(body)));
        },
      },
    );
    const spec = storefrontTokenSpecSchema.parse({ platform: 'wizcommerce', wizcommerce: { accountEmail: 'shop@example.com' }, secret: { name: 's' } });
    const error: unknown = await client.issue({ spec, name: 'n', idempotencyKey: 'k' }).catch((e: unknown) => e);
    expect(isCoreError(error, 'ERR_PLATFORM_VALIDATION')).toBe(true);
    expect((error as { path?: unknown }).path).toEqual(['wizcommerce', 'accountEmail']);
    expect(String(error)).not.toContain('api_prod_value123456');
    expect(String(error)).not.toContain(password.reveal());
    expect(sent).toEqual([{ method: 'POST', key: null }, { method: 'DELETE', key: 'api_prod_value123456' }]);
  });
});
