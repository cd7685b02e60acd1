/* eslint-disable @typescript-eslint/no-unsafe-member-access --
   Response bodies are untyped JSON from the wire; each test pins their shape with expect() instead of casts. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Conformance } from './conformance.js';
import { CF_PERMISSION_GROUPS, startSandbox, type Sandbox } from './index.js';
import { defaultSpecsDir, readAvvyrSpec } from './spec-files.js';
import { call } from './testing/http.js';

const FUTURE = Math.floor(Date.UTC(2030, 0, 1) / 1000);

describe('OpenAPI conformance checking', () => {
  let sb: Sandbox;

  beforeAll(async () => {
    sb = await startSandbox({ validate: true });
  });
  afterAll(async () => {
    await sb.close();
  });
  beforeEach(() => {
    sb.reset({ violations: true });
  });

  interface Row {
    reason: string;
    send: (s: Sandbox) => Promise<unknown>;
    operationId: string;
    error: string;
  }

  const bcUrl = (s: Sandbox, path: string): string => `${s.platforms.bigcommerce.baseUrl}/stores/${s.platforms.bigcommerce.storeHash}/v3/storefront/${path}`;
  const cfUrl = (s: Sandbox, path = ''): string => `${s.platforms.cloudflare.baseUrl}/accounts/${s.platforms.cloudflare.accountId}/tokens${path}`;
  const cfAuth = (s: Sandbox) => ({ Authorization: `Bearer ${s.platforms.cloudflare.apiToken}` });
  const avUrl = (s: Sandbox): string => `${s.platforms.avvyr.baseUrl}/v1/tenants/${s.platforms.avvyr.tenantId}/storefront-tokens`;
  const avAuth = (s: Sandbox) => ({ Authorization: `Bearer ${s.platforms.avvyr.apiKey}` });
  const wizUrl = (s: Sandbox): string => `${s.platforms.wizcommerce.baseUrl}/auth/token`;

  const rows: Row[] = [
    {
      reason: 'BigCommerce create without the required Content-Type header (a byte body gets none from fetch)',
      send: (s) =>
        fetch(bcUrl(s, 'api-token'), {
          method: 'POST',
          headers: { 'X-Auth-Token': s.platforms.bigcommerce.accessToken, Accept: 'application/json' },
          body: Buffer.from(JSON.stringify({ channel_id: 1, expires_at: FUTURE })),
        }),
      operationId: 'createToken',
      error: "/header must have required property 'content-type'",
    },
    {
      reason: 'BigCommerce create with a string expires_at',
      send: (s) => call('POST', bcUrl(s, 'api-token'), { 'X-Auth-Token': s.platforms.bigcommerce.accessToken, Accept: 'application/json' }, { channel_id: 1, expires_at: 'soon' }),
      operationId: 'createToken',
      error: '/requestBody/expires_at must be integer',
    },
    {
      reason: 'BigCommerce private token with an unknown scope',
      send: (s) => call('POST', bcUrl(s, 'api-token-private'), { 'X-Auth-Token': s.platforms.bigcommerce.accessToken, Accept: 'application/json' }, { channel_id: 1, expires_at: FUTURE, scopes: ['Admin'] }),
      operationId: 'createPrivateToken',
      error: '/requestBody/scopes/0 must be equal to one of the allowed values',
    },
    {
      reason: 'Cloudflare create without policies',
      send: (s) => call('POST', cfUrl(s), cfAuth(s), { name: 'x' }),
      operationId: 'account-api-tokens-create-token',
      error: "/requestBody must have required property 'policies'",
    },
    {
      reason: 'Cloudflare list with per_page above 50',
      send: (s) => call('GET', cfUrl(s, '?per_page=500'), cfAuth(s)),
      operationId: 'account-api-tokens-list-tokens',
      error: '/query/per_page must be <= 50',
    },
    {
      reason: 'Cloudflare create with an invalid effect',
      send: (s) =>
        call('POST', cfUrl(s), cfAuth(s), { name: 'x', policies: [{ effect: 'permit', permission_groups: [{ id: CF_PERMISSION_GROUPS[0]?.id }], resources: { 'com.cloudflare.api.account.x': '*' } }] }),
      operationId: 'account-api-tokens-create-token',
      error: '/requestBody/policies/0/effect must be equal to one of the allowed values',
    },
    {
      reason: 'Avvyr create with an origin that has a path',
      send: (s) => call('POST', avUrl(s), avAuth(s), { name: 'x', allowedOrigins: ['https://a.example/x'] }),
      operationId: 'createTenantStorefrontToken',
      error: '/requestBody/allowedOrigins/0 must match pattern',
    },
    {
      reason: 'WizCommerce create without a password (the documented LoginRequest requires it)',
      send: (s) => call('POST', wizUrl(s), {}, { email: s.platforms.wizcommerce.email }),
      operationId: 'createToken',
      error: "/requestBody must have required property 'password'",
    },
    {
      reason: 'WizCommerce revoke without the X-API-Key header it revokes',
      send: (s) => call('DELETE', wizUrl(s)),
      operationId: 'revokeToken',
      error: "/header must have required property 'x-api-key'",
    },
    {
      reason: 'Avvyr list with limit 0',
      send: (s) => call('GET', `${avUrl(s)}?limit=0`, avAuth(s)),
      operationId: 'listTenantStorefrontTokens',
      error: '/query/limit must be >= 1',
    },
  ];

  it.each(rows)('records a request violation: $reason', async ({ send, operationId, error }) => {
    await send(sb);
    const v = sb.violations();
    expect(v.length).toBeGreaterThan(0);
    expect(v.every((x) => x.direction === 'request')).toBe(true);
    expect(v[0]?.operationId).toBe(operationId);
    expect(v.flatMap((x) => x.errors).some((e) => e.startsWith(error))).toBe(true);
  });

  it('serves violations over HTTP without header or body values', async () => {
    await call('POST', cfUrl(sb), cfAuth(sb), { name: 'secret-name-should-not-leak' });
    const res = await call('GET', `${sb.url}/_sandbox/violations`);
    expect(res.body.violations).toHaveLength(1);
    expect(res.text).not.toContain(sb.platforms.cloudflare.apiToken);
    expect(res.text).not.toContain('secret-name-should-not-leak');
  });

  it('records nothing for a valid round trip on every documented operation', async () => {
    const bcH = { 'X-Auth-Token': sb.platforms.bigcommerce.accessToken, Accept: 'application/json' };
    const jwt = (await call('POST', bcUrl(sb, 'api-token'), bcH, { channel_ids: [1], expires_at: FUTURE, allowed_cors_origins: ['https://a.example'] })).body.data.token as string;
    await call('POST', bcUrl(sb, 'api-token-customer-impersonation'), bcH, { channel_id: 1, expires_at: FUTURE });
    await call('DELETE', bcUrl(sb, 'api-token'), { ...bcH, 'Sf-Api-Token': jwt });
    const pg = CF_PERMISSION_GROUPS[0]?.id;
    const policy = { effect: 'allow', permission_groups: [{ id: pg }], resources: { 'com.cloudflare.api.account.x': '*' } };
    const t = (await call('POST', cfUrl(sb), cfAuth(sb), { name: 'ok', policies: [policy], condition: { request_ip: { in: ['127.0.0.1/32'] } }, expires_on: '2030-01-01T00:00:00Z' })).body.result as { id: string; value: string };
    await call('GET', cfUrl(sb, '?page=1&per_page=20&direction=desc'), cfAuth(sb));
    await call('GET', cfUrl(sb, `/${t.id}`), cfAuth(sb));
    await call('PUT', cfUrl(sb, `/${t.id}`), cfAuth(sb), { name: 'ok2', policies: [policy], status: 'active' });
    await call('GET', cfUrl(sb, '/verify'), { Authorization: `Bearer ${t.value}` });
    await call('GET', cfUrl(sb, '/permission_groups'), cfAuth(sb));
    await call('PUT', cfUrl(sb, `/${t.id}/value`), cfAuth(sb), {});
    await call('DELETE', cfUrl(sb, `/${t.id}`), cfAuth(sb), {});
    await call('GET', cfUrl(sb, `/${t.id}`), cfAuth(sb));
    const a = (await call('POST', avUrl(sb), { ...avAuth(sb), 'Idempotency-Key': 'k' }, { name: 'x', allowedOrigins: ['https://a.example'] })).body as { data: { id: string } };
    await call('POST', avUrl(sb), { ...avAuth(sb), 'Idempotency-Key': 'k' }, { name: 'x', allowedOrigins: ['https://a.example'] });
    await call('PATCH', `${avUrl(sb)}/${a.data.id}`, avAuth(sb), { name: 'y' });
    await call('POST', `${avUrl(sb)}/${a.data.id}/revoke`, avAuth(sb));
    await call('PATCH', `${avUrl(sb)}/${a.data.id}`, avAuth(sb), { name: 'z' });
    await call('GET', `${sb.platforms.avvyr.baseUrl}/storefront/v1/shop`, { 'X-Avvyr-Storefront-Token': 'avsf_unknown' });
    const wiz = sb.platforms.wizcommerce;
    const w = (await call('POST', wizUrl(sb), {}, { email: wiz.email, password: wiz.password })).body as { access_token: string };
    await call('POST', wizUrl(sb), {}, { email: wiz.email, password: 'wrong' });
    await call('DELETE', wizUrl(sb), { 'X-API-Key': w.access_token });
    await call('DELETE', wizUrl(sb), { 'X-API-Key': w.access_token });
    expect(sb.violations()).toEqual([]);
  });
});

describe('Conformance response checks', () => {
  const ctx = { method: 'POST', path: '/v1/tenants/tnt_sandbox/storefront-tokens', query: new URLSearchParams(), headers: {}, body: undefined, params: {}, remoteAddress: '127.0.0.1', now: 0 };
  const rows = [
    {
      reason: 'Cloudflare create answer whose value is too short',
      spec: { doc: 'cloudflare' as const, operationId: 'account-api-tokens-create-token', stripSegments: 0 },
      reply: { status: 200, body: { success: true, errors: [], messages: [], result: { id: 'a', value: 'short' } } },
      error: '/result/value must NOT have fewer than 40 characters',
    },
    {
      reason: 'Cloudflare failure envelope with success true',
      spec: { doc: 'cloudflare' as const, operationId: 'account-api-tokens-token-details', stripSegments: 0 },
      reply: { status: 404, body: { success: true, errors: [], messages: [], result: null } },
      error: '/success must be equal to one of the allowed values',
    },
    {
      reason: 'WizCommerce create answer without the documented access_token',
      spec: { doc: 'wizcommerce' as const, operationId: 'createToken', stripSegments: 0 },
      reply: { status: 200, body: { token_id: 't', token_type: 'Bearer', expires_at: '2027-01-01T00:00:00Z', user: { email: 'a', first_name: 'b', last_name: 'c', tenant_id: 'd', id: 'e' } } },
      error: "/ must have required property 'access_token'",
    },
    {
      reason: 'Avvyr replay header with a value other than true',
      spec: { doc: 'avvyr' as const, operationId: 'createTenantStorefrontToken', stripSegments: 0 },
      reply: { status: 200, headers: { 'Idempotent-Replayed': 'yes' }, body: { data: null, value: null } },
      error: '/headers/idempotent-replayed must be equal to one of the allowed values',
    },
  ];

  it.each(rows)('records: $reason', async ({ spec, reply, error }) => {
    const c = await Conformance.load(defaultSpecsDir(), readAvvyrSpec());
    c.checkResponse('cloudflare', spec, ctx, reply);
    const errors = c.violations().flatMap((v) => v.errors);
    expect(c.violations()[0]?.direction).toBe('response');
    expect(errors.some((e) => e.startsWith(error)), errors.join('; ')).toBe(true);
  });
});
