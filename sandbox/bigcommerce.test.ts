/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument --
   Response bodies are untyped JSON from the wire; each test pins their shape with expect() instead of casts. */
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './index.js';
import { call, decodeJwtPayload } from './testing/http.js';

const FUTURE = Math.floor(Date.UTC(2030, 0, 1) / 1000);

describe('BigCommerce storefront tokens', () => {
  let sb: Sandbox;
  let clock = Date.now();
  let api: string;
  let headers: Record<string, string>;

  beforeAll(async () => {
    sb = await startSandbox({ validate: true, now: () => clock });
    const bc = sb.platforms.bigcommerce;
    api = `${bc.baseUrl}/stores/${bc.storeHash}/v3/storefront`;
    headers = { 'X-Auth-Token': bc.accessToken, Accept: 'application/json' };
  });
  afterAll(async () => {
    await sb.close();
  });

  // Deliberately invalid requests are recorded as request violations; responses must conform even then.
  function forgetExpectedViolations(): void {
    expect(sb.violations().filter((v) => v.direction === 'response')).toEqual([]);
    sb.reset({ violations: true });
  }

  const createRows = [
    {
      reason: 'storefront token with one channel carries cors and token_type 1',
      path: 'api-token',
      body: { channel_id: 1, expires_at: FUTURE, allowed_cors_origins: ['https://shop.example'] },
      claims: { cid: 1, cors: ['https://shop.example'], eat: FUTURE, iss: 'BC', sub_type: 2, token_type: 1 },
    },
    {
      reason: 'channel_ids makes cid an array',
      path: 'api-token',
      body: { channel_ids: [1, 12], expires_at: FUTURE },
      claims: { cid: [1, 12], cors: [], token_type: 1 },
    },
    {
      reason: 'private tokens carry scopes and the assumed token_type 3',
      path: 'api-token-private',
      body: { channel_id: 1, expires_at: FUTURE, scopes: ['Unauthenticated', 'Customer'] },
      claims: { cid: 1, cors: [], token_type: 3, scopes: ['Unauthenticated', 'Customer'] },
    },
    {
      reason: 'impersonation tokens have empty cors and token_type 2',
      path: 'api-token-customer-impersonation',
      body: { channel_id: 2, expires_at: FUTURE },
      claims: { cid: 2, cors: [], token_type: 2 },
    },
  ];

  it.each(createRows)('creates: $reason', async ({ path, body, claims }) => {
    const res = await call('POST', `${api}/${path}`, headers, body);
    expect(res.status).toBe(200);
    expect(res.body.meta).toEqual({});
    const jwt = res.body.data.token as string;
    expect(jwt.startsWith('eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9.')).toBe(true);
    const jwks = await call('GET', `${sb.platforms.bigcommerce.baseUrl}/.well-known/jwks.json`);
    const { payload } = await jwtVerify(jwt, createLocalJWKSet(jwks.body as JSONWebKeySet), { algorithms: ['ES256'] });
    expect(payload).toMatchObject({ ...claims, sid: sb.platforms.bigcommerce.storeId, sub: sb.platforms.bigcommerce.clientId });
    expect(payload['iat']).toBe(Math.floor(clock / 1000));
    expect(payload['exp']).toBeUndefined();
  });

  it('issues distinct tokens for identical requests in the same second', async () => {
    const body = { channel_id: 1, expires_at: FUTURE };
    const a = await call('POST', `${api}/api-token`, headers, body);
    const b = await call('POST', `${api}/api-token`, headers, body);
    expect(a.body.data.token).not.toBe(b.body.data.token);
  });

  const invalidRows = [
    { reason: 'neither channel_id nor channel_ids', body: { expires_at: FUTURE }, key: 'channel_id:required' },
    { reason: 'both channel_id and channel_ids', body: { channel_id: 1, channel_ids: [1], expires_at: FUTURE }, key: 'channel_ids:conflict' },
    { reason: 'expires_at in milliseconds', body: { channel_id: 1, expires_at: FUTURE * 1000 }, key: 'expires_at:invalid_unit' },
    { reason: 'expires_at missing', body: { channel_id: 1 }, key: 'expires_at:required' },
    { reason: 'expires_at as a string', body: { channel_id: 1, expires_at: String(FUTURE) }, key: 'expires_at:invalid_type' },
    {
      reason: 'trailing slash origin gets the observed envelope',
      body: { channel_id: 1, expires_at: FUTURE, allowed_cors_origins: ['https://shop.example/'] },
      key: 'allowed_cors_origins:has_invalid_suffix',
    },
    { reason: 'wildcard origin', body: { channel_id: 1, expires_at: FUTURE, allowed_cors_origins: ['https://*.vercel.app'] }, key: 'allowed_cors_origins:invalid_origin' },
  ];

  it.each(invalidRows)('rejects with 422: $reason', async ({ body, key }) => {
    const res = await call('POST', `${api}/api-token`, headers, body);
    expect(res.status).toBe(422);
    expect(res.body.status).toBe(422);
    expect(res.body.type).toBe('https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes');
    expect(Object.keys(res.body.errors)).toContain(key);
    forgetExpectedViolations();
  });

  it('answers the exact observed body for a trailing slash', async () => {
    const res = await call('POST', `${api}/api-token`, headers, { channel_id: 1, expires_at: FUTURE, allowed_cors_origins: ['https://a.example/'] });
    expect(res.text).toBe(
      '{"status":422,"title":"The following fields are invalid: allowed_cors_origins:has_invalid_suffix","type":"https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes","errors":{"allowed_cors_origins:has_invalid_suffix":"A supplied origin has a trailing slash or other special character following the end of the domain. Please remove any trailing characters in supplied origins."}}',
    );
  });

  it('rejects more than two origins with the documented message', async () => {
    const res = await call('POST', `${api}/api-token`, headers, { channel_id: 1, expires_at: FUTURE, allowed_cors_origins: ['https://a.example', 'https://b.example', 'https://c.example'] });
    expect(res.status).toBe(422);
    expect(res.body.title).toBe('Allowed CORS origins list length should not be greater than 2');
    forgetExpectedViolations();
  });

  it('requires scopes on private tokens', async () => {
    const res = await call('POST', `${api}/api-token-private`, headers, { channel_id: 1, expires_at: FUTURE });
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.errors)).toContain('scopes:required');
    expect(sb.violations().map((v) => v.errors).flat()).toContain("/requestBody must have required property 'scopes'");
    forgetExpectedViolations();
  });

  it('rejects a wrong X-Auth-Token with 401 and an unknown store with 401', async () => {
    const bad = await call('POST', `${api}/api-token`, { ...headers, 'X-Auth-Token': 'nope' }, { channel_id: 1, expires_at: FUTURE });
    expect(bad.status).toBe(401);
    const otherStore = await call('POST', api.replace(sb.platforms.bigcommerce.storeHash, 'zzzzzzzzzz') + '/api-token', headers, { channel_id: 1, expires_at: FUTURE });
    expect(otherStore.status).toBe(401);
  });

  it('revokes: 422 without or with an unknown Sf-Api-Token, then the token stops working', async () => {
    const missing = await call('DELETE', `${api}/api-token`, headers);
    expect(missing.status).toBe(422);
    expect(missing.body.title).toBe('Invalid JWT Token provided or missing JWT token header');
    const unknown = await call('DELETE', `${api}/api-token`, { ...headers, 'Sf-Api-Token': 'eyJ.x.y' });
    expect(unknown.status).toBe(422);
    expect(sb.violations().map((v) => v.errors).flat()).toContain("/header must have required property 'sf-api-token'");
    forgetExpectedViolations();

    const created = await call('POST', `${api}/api-token-private`, headers, { channel_id: 1, expires_at: FUTURE, scopes: ['B2B'] });
    const jwt = created.body.data.token as string;
    const gql = `${sb.platforms.bigcommerce.baseUrl}/stores/${sb.platforms.bigcommerce.storeHash}/graphql`;
    expect((await call('POST', gql, { Authorization: `Bearer ${jwt}` })).status).toBe(200);
    const revoked = await call('DELETE', `${api}/api-token`, { ...headers, 'Sf-Api-Token': jwt });
    expect(revoked.status).toBe(200);
    expect((await call('POST', gql, { Authorization: `Bearer ${jwt}` })).status).toBe(401);
    const row = sb.inventory('bigcommerce').find((t) => t.id === decodeJwtPayload(jwt)['jti']);
    expect(row?.state).toBe('revoked');
  });

  it('applies origin rules on the GraphQL use endpoint', async () => {
    const gql = `${sb.platforms.bigcommerce.baseUrl}/stores/${sb.platforms.bigcommerce.storeHash}/graphql`;
    const sf = (await call('POST', `${api}/api-token`, headers, { channel_id: 1, expires_at: FUTURE, allowed_cors_origins: ['https://shop.example'] })).body.data.token as string;
    const pv = (await call('POST', `${api}/api-token-private`, headers, { channel_id: 1, expires_at: FUTURE, scopes: ['Customer'] })).body.data.token as string;
    const rows = [
      { reason: 'storefront token from an allowed origin', jwt: sf, origin: 'https://shop.example', status: 200 },
      { reason: 'storefront token from another origin', jwt: sf, origin: 'https://evil.example', status: 403 },
      { reason: 'storefront token created after 2026-06-30 has no server-to-server use', jwt: sf, origin: undefined, status: clock >= Date.UTC(2026, 6, 1) ? 403 : 200 },
      { reason: 'private token from a server', jwt: pv, origin: undefined, status: 200 },
      { reason: 'private token from a browser', jwt: pv, origin: 'https://shop.example', status: 403 },
      { reason: 'garbage bearer', jwt: 'abc', origin: undefined, status: 401 },
    ];
    for (const row of rows) {
      const h: Record<string, string> = { Authorization: `Bearer ${row.jwt}` };
      if (row.origin !== undefined) h['Origin'] = row.origin;
      expect((await call('POST', gql, h)).status, row.reason).toBe(row.status);
    }
  });

  it('stops accepting a token once its expires_at passes', async () => {
    const soon = Math.floor(clock / 1000) + 60;
    const jwt = (await call('POST', `${api}/api-token-private`, headers, { channel_id: 1, expires_at: soon, scopes: ['Customer'] })).body.data.token as string;
    const gql = `${sb.platforms.bigcommerce.baseUrl}/stores/${sb.platforms.bigcommerce.storeHash}/graphql`;
    expect((await call('POST', gql, { Authorization: `Bearer ${jwt}` })).status).toBe(200);
    clock += 61_000;
    expect((await call('POST', gql, { Authorization: `Bearer ${jwt}` })).status).toBe(401);
    expect(sb.inventory('bigcommerce').find((t) => t.id === decodeJwtPayload(jwt)['jti'])?.state).toBe('expired');
  });

  it('sends the quota headers on every management response', async () => {
    const res = await call('POST', `${api}/api-token`, headers, { channel_id: 1, expires_at: FUTURE });
    expect(res.headers['x-rate-limit-time-window-ms']).toBe('30000');
    expect(res.headers['x-rate-limit-requests-quota']).toBe('150');
    expect(Number(res.headers['x-rate-limit-requests-left'])).toBeLessThan(150);
    expect(res.headers['x-rate-limit-time-reset-ms']).toMatch(/^\d+$/);
  });

  it('saw only spec-conformant requests and responses', () => {
    expect(sb.violations()).toEqual([]);
  });
});

describe('BigCommerce scopes and rate limits', () => {
  it('answers 403 when the API account lacks the impersonation scope', async () => {
    const sb = await startSandbox({ credentials: { bigcommerce: { scopes: ['store_storefront_api'] } } });
    try {
      const bc = sb.platforms.bigcommerce;
      const res = await call('POST', `${bc.baseUrl}/stores/${bc.storeHash}/v3/storefront/api-token-customer-impersonation`, { 'X-Auth-Token': bc.accessToken, Accept: 'application/json' }, { channel_id: 1, expires_at: FUTURE });
      expect(res.status).toBe(403);
    } finally {
      await sb.close();
    }
  });

  it('answers 429 with zero requests left once the store quota is spent, and resets after the window', async () => {
    let clock = Date.UTC(2026, 0, 1);
    const sb = await startSandbox({ rateLimits: { bigcommerce: { limit: 2, windowMs: 30_000 } }, now: () => clock });
    try {
      const bc = sb.platforms.bigcommerce;
      const url = `${bc.baseUrl}/stores/${bc.storeHash}/v3/storefront/api-token`;
      const h = { 'X-Auth-Token': bc.accessToken, Accept: 'application/json' };
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await call('POST', url, h, { channel_id: 1, expires_at: FUTURE })).status);
      expect(statuses).toEqual([200, 200, 429]);
      const limited = await call('POST', url, h, { channel_id: 1, expires_at: FUTURE });
      expect(limited.headers['x-rate-limit-requests-left']).toBe('0');
      expect(Number(limited.headers['x-rate-limit-time-reset-ms'])).toBeGreaterThan(0);
      clock += 30_000;
      expect((await call('POST', url, h, { channel_id: 1, expires_at: FUTURE })).status).toBe(200);
      expect(sb.stats().rateLimited).toBe(2);
    } finally {
      await sb.close();
    }
  });
});
