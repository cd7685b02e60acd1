import { describe, expect, it } from 'vitest';
import { SecretValue } from '../../secret.js';
import { storefrontTokenSpecSchema } from '../../schema/storefront-token.js';
import { AvvyrClient } from './client.js';

const TOKEN = { id: 'sft_1', name: 'n', level: 'tenant', tenantId: 'tnt', marketId: null, allowedOrigins: [], status: 'active', createdAt: '2026-01-01T00:00:00Z', lastUsedAt: null, revokedAt: null, valuePrefix: 'avsf_abcd' };

describe('AvvyrClient create and resolveInDoubt', () => {
  const rows: { name: string; reason: string; answer: { status: number; value: string | null }; issue: string; resolve: { outcome: string; hasValue: boolean } }[] = [
    { name: 'Fresh', reason: 'a 201 carries the value once', answer: { status: 201, value: 'avsf_secretvalue123' }, issue: 'ok', resolve: { outcome: 'found', hasValue: true } },
    { name: 'Replay', reason: 'a replay has no value: issue is in doubt, resolve finds it without value', answer: { status: 200, value: null }, issue: 'ERR_CREATE_IN_DOUBT', resolve: { outcome: 'found', hasValue: false } },
  ];
  for (const row of rows) {
    it(`${row.name}: ${row.reason}`, async () => {
      const keys: (string | null)[] = [];
      const client = new AvvyrClient(
        { baseUrl: 'http://127.0.0.1:9', credentials: { apiKey: new SecretValue('avak_admin_key_000') } },
        {
          fetch: (_url, init) => {
            keys.push(new Headers(init?.headers).get('idempotency-key'));
            return Promise.resolve(new Response(JSON.stringify({ data: TOKEN, value: row.answer.value }), { status: row.answer.status }));
          },
        },
      );
      const spec = storefrontTokenSpecSchema.parse({ platform: 'avvyr', avvyr: { tenantId: 'tnt' }, secret: { name: 's' } });
      const request = { spec, name: 'n', idempotencyKey: 'key-42' };
      const issued = await client.issue(request).then(() => 'ok', (e: unknown) => (e as { code: string }).code);
      expect(issued, row.reason).toBe(row.issue);
      const resolution = await client.resolveInDoubt(request);
      expect({ outcome: resolution.outcome, hasValue: resolution.outcome === 'found' && resolution.value !== undefined }, row.reason).toEqual(row.resolve);
      expect(keys, 'every create carries the same key').toEqual(['key-42', 'key-42']);
    });
  }
});
