import { describe, expect, it } from 'vitest';
import { isCoreError } from '../../errors.js';
import { SecretValue } from '../../secret.js';
import { storefrontTokenSpecSchema } from '../../schema/storefront-token.js';
import { BigCommerceClient } from './client.js';
import { observedFromClaims, readBigCommerceClaims } from './jwt.js';

// jwt builds an unsigned-looking ES256 JWT: decoding must not care about the signature.
function jwt(claims: Record<string, unknown>): SecretValue {
  const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  return new SecretValue(`${part({ typ: 'JWT', alg: 'ES256' })}.${part(claims)}.c2lnbmF0dXJl`);
}

describe('readBigCommerceClaims', () => {
  const rows: { name: string; reason: string; claims: Record<string, unknown>; block: Record<string, unknown>; expiresAt?: number }[] = [
    {
      name: 'SingleChannel',
      reason: 'a legacy integer cid becomes a one-element channelIds',
      claims: { cid: 1, cors: ['https://a.example'], eat: 1_900_000_000, iat: 1, token_type: 1 },
      block: { channelIds: [1], allowedCorsOrigins: ['https://a.example'], kind: 'storefront' },
      expiresAt: 1_900_000_000_000,
    },
    {
      name: 'ManyChannels',
      reason: 'an array cid is the channel list',
      claims: { cid: [1, 2], cors: [], eat: 1_900_000_000, token_type: 2 },
      block: { channelIds: [1, 2], kind: 'customerImpersonation' },
      expiresAt: 1_900_000_000_000,
    },
    {
      name: 'NeverExpires',
      reason: 'eat 0 means no expiry, and an empty cors is left out like an unset spec field',
      claims: { cid: [3], cors: [], eat: 0 },
      block: { channelIds: [3] },
    },
    {
      name: 'PrivateScopes',
      reason: 'scopes in the JWT are reported',
      claims: { cid: [1], eat: 1_900_000_000, token_type: 3, scopes: ['Customer'] },
      block: { channelIds: [1], kind: 'private', scopes: ['Customer'] },
      expiresAt: 1_900_000_000_000,
    },
  ];
  for (const row of rows) {
    it(`${row.name}: ${row.reason}`, () => {
      const claims = readBigCommerceClaims(jwt(row.claims));
      expect(observedFromClaims(claims).block, row.reason).toEqual(row.block);
      expect(claims.expiresAt?.getTime(), row.reason).toBe(row.expiresAt);
    });
  }

  const bad: { name: string; reason: string; value: SecretValue }[] = [
    { name: 'NotAJwt', reason: 'a value that is not a JWT is a protocol error', value: new SecretValue('not-a-jwt-secret-value') },
    { name: 'NoChannel', reason: 'a JWT without cid is not a BigCommerce token', value: jwt({ eat: 1 }) },
  ];
  for (const row of bad) {
    it(`${row.name}: ${row.reason}`, () => {
      let caught: unknown;
      try {
        readBigCommerceClaims(row.value);
      } catch (error) {
        caught = error;
      }
      expect(isCoreError(caught, 'ERR_PLATFORM_PROTOCOL'), row.reason).toBe(true);
      expect((caught as Error).message).not.toContain(row.value.reveal());
    });
  }
});

describe('BigCommerceClient.observe', () => {
  const rows: { name: string; reason: string; eat: number; now: number; state: string }[] = [
    { name: 'Live', reason: 'without a read endpoint a live token is unknown, never claimed active', eat: 2000, now: 1_000_000, state: 'unknown' },
    { name: 'Expired', reason: 'past eat the token is expired', eat: 1000, now: 1_000_000, state: 'expired' },
  ];
  for (const row of rows) {
    it(`${row.name}: ${row.reason}`, async () => {
      let calls = 0;
      const client = new BigCommerceClient(
        { credentials: { accessToken: new SecretValue('admin-token') } },
        { now: () => row.now, fetch: () => { calls++; return Promise.resolve(new Response('{}')); } },
      );
      const seen = await client.observe({ value: jwt({ cid: [1], eat: row.eat }) });
      expect(seen.state, row.reason).toBe(row.state);
      expect(calls, 'observe makes no call').toBe(0);
    });
  }

  it('skips the call when revoking an expired token, and sends expires_at in seconds', async () => {
    const sent: { url: string; body: unknown }[] = [];
    const value = jwt({ cid: [1], eat: 1_900_000_000, cors: [] });
    const client = new BigCommerceClient(
      { baseUrl: 'http://127.0.0.1:9', credentials: { accessToken: new SecretValue('admin-token') } },
      {
        now: () => 2_000_000_000_000,
        fetch: (url, init) => {
          sent.push({ url: url as string, body: JSON.parse(typeof init?.body === 'string' ? init.body : 'null') });
          return Promise.resolve(new Response(JSON.stringify({ data: { token: value.reveal() }, meta: {} })));
        },
      },
    );
    const spec = storefrontTokenSpecSchema.parse({ platform: 'bigcommerce', bigcommerce: { storeHash: 'abc', kind: 'private', channelIds: [1], scopes: ['Customer'] }, secret: { name: 's' } });
    const token = await client.issue({ spec, name: 'n', expiresAt: new Date(1_900_000_000_500), idempotencyKey: 'k' });
    expect(sent[0]).toEqual({ url: 'http://127.0.0.1:9/stores/abc/v3/storefront/api-token-private', body: { channel_ids: [1], expires_at: 1_900_000_000, scopes: ['Customer'] } });
    await client.revoke(token.ref);
    expect(sent.length, 'an expired JWT needs no revoke call').toBe(1);
  });
});
