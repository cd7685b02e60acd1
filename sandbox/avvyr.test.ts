/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-assignment --
   Response bodies are untyped JSON from the wire; each test pins their shape with expect() instead of casts. */
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './index.js';
import { call } from './testing/http.js';

describe('Avvyr storefront tokens (our assumed API)', () => {
  let sb: Sandbox;
  let tenantUrl: string;
  let marketUrl: string;
  let auth: Record<string, string>;
  let shop: string;

  beforeAll(async () => {
    sb = await startSandbox({ validate: true });
    const av = sb.platforms.avvyr;
    tenantUrl = `${av.baseUrl}/v1/tenants/${av.tenantId}/storefront-tokens`;
    marketUrl = `${av.baseUrl}/v1/tenants/${av.tenantId}/markets/${av.marketIds[0] ?? ''}/storefront-tokens`;
    auth = { Authorization: `Bearer ${av.apiKey}` };
    shop = `${av.baseUrl}/storefront/v1/shop`;
  });
  afterAll(async () => {
    await sb.close();
  });

  function forgetExpectedViolations(): void {
    expect(sb.violations().filter((v) => v.direction === 'response')).toEqual([]);
    sb.reset({ violations: true });
  }

  it('creates tenant- and market-level tokens; the value is shown once', async () => {
    const t = await call('POST', tenantUrl, auth, { name: 'Production Website', allowedOrigins: ['https://shop.example'] });
    expect(t.status).toBe(201);
    expect(t.body.value).toMatch(/^avsf_[0-9A-Za-z]{40}$/);
    expect(t.body.data).toMatchObject({ level: 'tenant', marketId: null, status: 'active', lastUsedAt: null, revokedAt: null });
    expect(t.body.data.id).toMatch(/^sft_[0-9A-Z]{26}$/);
    expect(t.body.value.startsWith(t.body.data.valuePrefix)).toBe(true);
    const m = await call('POST', marketUrl, auth, { name: 'SE site' });
    expect(m.body.data).toMatchObject({ level: 'market', marketId: 'mkt_se', allowedOrigins: [] });
    const got = await call('GET', `${tenantUrl}/${m.body.data.id as string}`, auth);
    expect(got.body).toEqual({ data: m.body.data });
  });

  it('replays an idempotent create without the value, and refuses the key with another body', async () => {
    const h = { ...auth, 'Idempotency-Key': 'create-42' };
    const first = await call('POST', tenantUrl, h, { name: 'idem' });
    const again = await call('POST', tenantUrl, h, { name: 'idem' });
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual({ data: first.body.data, value: null });
    const other = await call('POST', tenantUrl, h, { name: 'different' });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    expect(sb.inventory('avvyr').filter((e) => e.name === 'idem')).toHaveLength(1);
  });

  const invalid = [
    { reason: 'missing name', body: { allowedOrigins: [] }, field: 'name' },
    { reason: 'name too long', body: { name: 'x'.repeat(101) }, field: 'name' },
    { reason: 'origin with a trailing slash', body: { name: 'x', allowedOrigins: ['https://a.example', 'https://b.example/'] }, field: 'allowedOrigins[1]' },
    { reason: 'origin with a path', body: { name: 'x', allowedOrigins: ['https://a.example/shop'] }, field: 'allowedOrigins[0]' },
    { reason: 'wildcard origin', body: { name: 'x', allowedOrigins: ['https://*.example'] }, field: 'allowedOrigins[0]' },
    { reason: 'too many origins', body: { name: 'x', allowedOrigins: Array.from({ length: 21 }, (_, i) => `https://s${i}.example`) }, field: 'allowedOrigins' },
    { reason: 'unknown field', body: { name: 'x', colour: 'red' }, field: 'colour' },
  ];

  it.each(invalid)('rejects create with 422 validation_failed: $reason', async ({ body, field }) => {
    const res = await call('POST', tenantUrl, auth, body);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    forgetExpectedViolations();
  });

  it('renames and changes origins while active; revoke is idempotent; a revoked token cannot change', async () => {
    const t = (await call('POST', tenantUrl, auth, { name: 'before' })).body.data as { id: string };
    const patched = await call('PATCH', `${tenantUrl}/${t.id}`, auth, { name: 'after', allowedOrigins: ['http://localhost:3000'] });
    expect(patched.body.data).toMatchObject({ name: 'after', allowedOrigins: ['http://localhost:3000'] });
    const r1 = await call('POST', `${tenantUrl}/${t.id}/revoke`, auth);
    const r2 = await call('POST', `${tenantUrl}/${t.id}/revoke`, auth);
    expect(r1.body.data.status).toBe('revoked');
    expect(r2.body.data.revokedAt).toBe(r1.body.data.revokedAt);
    const refused = await call('PATCH', `${tenantUrl}/${t.id}`, auth, { name: 'again' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('token_revoked');
  });

  it('lists with status filter and cursor pagination', async () => {
    sb.reset({ tokens: true });
    for (let i = 0; i < 5; i++) await call('POST', marketUrl, auth, { name: `m${i}` });
    const first = (await call('GET', `${marketUrl}?limit=2`, auth)).body as { data: { id: string; name: string }[]; nextCursor: string };
    expect(first.data.map((t) => t.name)).toEqual(['m0', 'm1']);
    const second = (await call('GET', `${marketUrl}?limit=2&cursor=${first.nextCursor}`, auth)).body as { data: { name: string }[]; nextCursor: string };
    expect(second.data.map((t) => t.name)).toEqual(['m2', 'm3']);
    const third = (await call('GET', `${marketUrl}?limit=2&cursor=${second.nextCursor}`, auth)).body as { data: unknown[]; nextCursor: null };
    expect(third.data).toHaveLength(1);
    expect(third.nextCursor).toBeNull();
    const id = first.data[0]?.id ?? '';
    await call('POST', `${tenantUrl}/${id}/revoke`, auth);
    const revoked = (await call('GET', `${marketUrl}?status=revoked`, auth)).body as { data: { id: string }[] };
    expect(revoked.data.map((t) => t.id)).toEqual([id]);
    expect((await call('GET', tenantUrl, auth)).body.data).toEqual([]);
  });

  it('checks the token and its origins on the storefront probe and records last use', async () => {
    const open = (await call('POST', tenantUrl, auth, { name: 'any origin' })).body as { data: { id: string }; value: string };
    const locked = (await call('POST', marketUrl, auth, { name: 'locked', allowedOrigins: ['https://shop.example'] })).body as { data: { id: string }; value: string };
    const rows = [
      { reason: 'empty origins allow any origin', value: open.value, origin: 'https://anything.example', status: 200 },
      { reason: 'allowed origin', value: locked.value, origin: 'https://shop.example', status: 200 },
      { reason: 'other origin', value: locked.value, origin: 'https://evil.example', status: 403 },
      { reason: 'no origin (server side)', value: locked.value, origin: undefined, status: 200 },
      { reason: 'unknown token', value: 'avsf_nope', origin: undefined, status: 401 },
    ];
    for (const row of rows) {
      const h: Record<string, string> = { 'X-Avvyr-Storefront-Token': row.value };
      if (row.origin !== undefined) h['Origin'] = row.origin;
      expect((await call('GET', shop, h)).status, row.reason).toBe(row.status);
    }
    expect((await call('GET', `${tenantUrl}/${locked.data.id}`, auth)).body.data.lastUsedAt).not.toBeNull();
    await call('POST', `${tenantUrl}/${locked.data.id}/revoke`, auth);
    expect((await call('GET', shop, { 'X-Avvyr-Storefront-Token': locked.value })).status).toBe(401);
  });

  const authRows = [
    { reason: 'no API key', headers: {}, tenant: 'tnt_sandbox', status: 401, code: 'unauthorized' },
    { reason: 'wrong API key', headers: { Authorization: 'Bearer nope' }, tenant: 'tnt_sandbox', status: 401, code: 'unauthorized' },
    { reason: 'another tenant', headers: undefined, tenant: 'tnt_other', status: 404, code: 'not_found' },
  ];

  it.each(authRows)('refuses management calls: $reason', async ({ headers, tenant, status, code }) => {
    const url = `${sb.platforms.avvyr.baseUrl}/v1/tenants/${tenant}/storefront-tokens`;
    const res = await call('GET', url, headers ?? auth);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
  });

  it('sends RateLimit headers and serves its OpenAPI document', async () => {
    const res = await call('GET', tenantUrl, auth);
    expect(res.headers['ratelimit-limit']).toBe('600');
    expect(res.headers['ratelimit-reset']).toMatch(/^\d+$/);
    const doc = await fetch(`${sb.platforms.avvyr.baseUrl}/openapi.yaml`);
    const parsed = parseYaml(await doc.text()) as { openapi: string; paths: Record<string, unknown> };
    expect(parsed.openapi).toBe('3.0.3');
    expect(Object.keys(parsed.paths)).toContain('/v1/tenants/{tenantId}/storefront-tokens/{tokenId}/revoke');
  });

  it('saw only conformant requests and responses', () => {
    expect(sb.violations()).toEqual([]);
  });
});
