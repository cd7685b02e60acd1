/* eslint-disable @typescript-eslint/no-unsafe-member-access --
   Response bodies are untyped JSON from the wire; each test pins their shape with expect() instead of casts. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './index.js';
import { call } from './testing/http.js';

describe('WizCommerce auth tokens', () => {
  let sb: Sandbox;
  let clock = Date.UTC(2026, 10, 25, 12, 0, 0);
  let base: string;
  let login: { email: string; password: string };

  beforeAll(async () => {
    sb = await startSandbox({ now: () => clock });
    base = sb.platforms.wizcommerce.baseUrl;
    login = { email: sb.platforms.wizcommerce.email, password: sb.platforms.wizcommerce.password };
  });
  afterAll(async () => {
    await sb.close();
  });

  it('creates a one-year Bearer token with the documented fields', async () => {
    const res = await call('POST', `${base}/auth/token`, {}, login);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_at: '2027-11-25T12:00:00Z', user: { email: login.email, tenant_id: 'tenant_sandbox' } });
    expect(res.body.access_token).toMatch(/^api_prod_[0-9A-Za-z]{48}$/);
    expect(res.body.token_id).toMatch(/^token_[0-9a-f]{24}$/);
  });

  const badLogins = [
    { reason: 'wrong password', body: { email: 'admin@sandbox.wizcommerce.test', password: 'x' }, status: 401, code: 'INVALID_CREDENTIALS' },
    { reason: 'unknown user', body: { email: 'who@example.com', password: 'sandbox-password' }, status: 401, code: 'INVALID_CREDENTIALS' },
    { reason: 'missing password', body: { email: 'admin@sandbox.wizcommerce.test' }, status: 400, code: 'VALIDATION_ERROR' },
    { reason: 'malformed JSON', body: '{"email":', status: 400, code: 'VALIDATION_ERROR' },
  ];

  it.each(badLogins)('rejects login: $reason', async ({ body, status, code }) => {
    const res = await call('POST', `${base}/auth/token`, {}, body);
    expect(res.status).toBe(status);
    expect(res.body.code).toBe(code);
    expect(res.text).not.toContain('sandbox-password');
  });

  it('uses, revokes (only itself) and then refuses the token', async () => {
    const a = (await call('POST', `${base}/auth/token`, {}, login)).body.access_token as string;
    const b = (await call('POST', `${base}/auth/token`, {}, login)).body.access_token as string;
    expect((await call('GET', `${base}/v1/products`, { 'X-API-Key': a })).status).toBe(200);
    const revoked = await call('DELETE', `${base}/auth/token`, { 'X-API-Key': a });
    expect(revoked.body).toEqual({ message: 'Token revoked successfully' });
    expect((await call('GET', `${base}/v1/products`, { 'X-API-Key': a })).status).toBe(401);
    expect((await call('DELETE', `${base}/auth/token`, { 'X-API-Key': a })).status).toBe(401);
    expect((await call('GET', `${base}/v1/products`, { 'X-API-Key': b })).status).toBe(200);
    expect((await call('DELETE', `${base}/auth/token`, {})).status).toBe(401);
  });

  it('expires tokens after one year', async () => {
    const t = (await call('POST', `${base}/auth/token`, {}, login)).body.access_token as string;
    clock += 365 * 24 * 3600 * 1000;
    expect((await call('GET', `${base}/v1/products`, { 'X-API-Key': t })).status).toBe(401);
    expect(sb.inventory('wizcommerce').filter((e) => e.state === 'expired').length).toBeGreaterThan(0);
  });

  it('sends the assumed X-RateLimit headers', async () => {
    const res = await call('POST', `${base}/auth/token`, {}, login);
    expect(res.headers['x-ratelimit-limit']).toBe('300');
    expect(res.headers['x-ratelimit-reset']).toMatch(/^\d+$/);
  });
});
