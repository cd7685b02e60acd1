/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-assignment --
   Response bodies are untyped JSON from the wire; each test pins their shape with expect() instead of casts. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CF_PERMISSION_GROUPS, startSandbox, type Sandbox } from './index.js';
import { call } from './testing/http.js';

const groupId = (name: string): string => {
  const g = CF_PERMISSION_GROUPS.find((p) => p.name === name);
  if (g === undefined) throw new Error(`no permission group ${name}`);
  return g.id;
};

describe('Cloudflare account tokens', () => {
  let sb: Sandbox;
  let clock = Date.now();
  let base: string;
  let auth: Record<string, string>;
  let policy: Record<string, unknown>;

  beforeAll(async () => {
    sb = await startSandbox({ validate: true, now: () => clock });
    const cf = sb.platforms.cloudflare;
    base = `${cf.baseUrl}/accounts/${cf.accountId}/tokens`;
    auth = { Authorization: `Bearer ${cf.apiToken}` };
    policy = { effect: 'allow', permission_groups: [{ id: groupId('Workers Scripts Read') }], resources: { [`com.cloudflare.api.account.${cf.accountId}`]: '*' } };
  });
  afterAll(async () => {
    await sb.close();
  });

  function forgetExpectedViolations(): void {
    expect(sb.violations().filter((v) => v.direction === 'response')).toEqual([]);
    sb.reset({ violations: true });
  }

  async function create(extra: Record<string, unknown> = {}): Promise<{ id: string; value: string }> {
    const res = await call('POST', base, auth, { name: 'ci token', policies: [policy], ...extra });
    expect(res.status).toBe(200);
    return res.body.result as { id: string; value: string };
  }

  it('creates a token whose value looks like a real account token and is returned only once', async () => {
    const res = await call('POST', base, auth, { name: 'deploy', policies: [policy] });
    expect(res.body).toMatchObject({ success: true, errors: [], messages: [] });
    const t = res.body.result;
    expect(t.id).toMatch(/^[0-9a-f]{32}$/);
    expect(t.value).toMatch(/^cfat_[0-9A-Za-z]{40}[0-9a-f]{8}$/);
    expect(t.status).toBe('active');
    expect(t.policies[0].id).toMatch(/^[0-9a-f]{32}$/);
    expect(t.policies[0].permission_groups[0].name).toBe('Workers Scripts Read');
    const got = await call('GET', `${base}/${t.id as string}`, auth);
    expect(got.body.result.value).toBeUndefined();
    expect(got.body.result.name).toBe('deploy');
  });

  it('lists with page, per_page and direction and reports result_info', async () => {
    sb.reset({ tokens: true });
    for (let i = 0; i < 7; i++) await create({ name: `t${i}` });
    const p1 = await call('GET', `${base}?per_page=5&page=1`, auth);
    expect(p1.body.result.map((t: { name: string }) => t.name)).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect(p1.body.result_info).toMatchObject({ page: 1, per_page: 5, count: 5, total_count: 7 });
    const p2 = await call('GET', `${base}?per_page=5&page=2&direction=desc`, auth);
    expect(p2.body.result.map((t: { name: string }) => t.name)).toEqual(['t1', 't0']);
    const bad = await call('GET', `${base}?per_page=100`, auth);
    expect(bad.status).toBe(400);
    expect(bad.body.success).toBe(false);
    forgetExpectedViolations();
  });

  it('updates with PUT (full replacement) and can disable a token', async () => {
    const t = await create();
    const res = await call('PUT', `${base}/${t.id}`, auth, { name: 'renamed', policies: [policy], status: 'disabled' });
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({ name: 'renamed', status: 'disabled' });
    const verify = await call('GET', `${base}/verify`, { Authorization: `Bearer ${t.value}` });
    expect(verify.status).toBe(401);
  });

  it('rolls the value: the old one stops working at once, the new one works', async () => {
    const t = await create();
    const rolled = await call('PUT', `${base}/${t.id}/value`, auth, {});
    expect(rolled.body.result).toMatch(/^cfat_/);
    expect((await call('GET', `${base}/verify`, { Authorization: `Bearer ${t.value}` })).status).toBe(401);
    const ok = await call('GET', `${base}/verify`, { Authorization: `Bearer ${rolled.body.result as string}` });
    expect(ok.status).toBe(200);
    expect(ok.body.result).toMatchObject({ id: t.id, status: 'active' });
    expect(sb.inventory('cloudflare').find((e) => e.id === t.id)?.lastUsedAt).not.toBeNull();
  });

  it('deletes: verify fails afterwards, get is 404, inventory says revoked', async () => {
    const t = await create();
    const del = await call('DELETE', `${base}/${t.id}`, auth, {});
    expect(del.body).toEqual({ success: true, errors: [], messages: [], result: { id: t.id } });
    expect((await call('GET', `${base}/verify`, { Authorization: `Bearer ${t.value}` })).status).toBe(401);
    const gone = await call('GET', `${base}/${t.id}`, auth);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ success: false, result: null });
    expect(sb.inventory('cloudflare').find((e) => e.id === t.id)?.state).toBe('revoked');
  });

  const verifyRows = [
    { reason: 'loopback inside request_ip.in', extra: { condition: { request_ip: { in: ['127.0.0.1/32'] } } }, status: 200 },
    { reason: 'loopback outside request_ip.in', extra: { condition: { request_ip: { in: ['10.0.0.0/8'] } } }, status: 403 },
    { reason: 'loopback in request_ip.not_in', extra: { condition: { request_ip: { not_in: ['127.0.0.0/8'] } } }, status: 403 },
    { reason: 'older request.ip key is accepted too', extra: { condition: { 'request.ip': { in: ['10.0.0.0/8'] } } }, status: 403 },
    { reason: 'not_before in the future', extra: { not_before: '2099-01-01T00:00:00Z' }, status: 401 },
    { reason: 'expires_on in the past', extra: { expires_on: '2000-01-01T00:00:00Z' }, status: 401 },
  ];

  it.each(verifyRows)('verify honours conditions: $reason', async ({ extra, status }) => {
    const t = await create(extra);
    const res = await call('GET', `${base}/verify`, { Authorization: `Bearer ${t.value}` });
    expect(res.status).toBe(status);
    if (status === 403) expect(res.body.errors[0].code).toBe(9109);
    forgetExpectedViolations();
  });

  it('expires a token when the clock passes expires_on and hides it from the default list', async () => {
    const at = new Date(Math.floor(clock / 1000) * 1000 + 60_000).toISOString().replace('.000Z', 'Z');
    const t = await create({ expires_on: at });
    clock += 120_000;
    expect((await call('GET', `${base}/${t.id}`, auth)).body.result.status).toBe('expired');
    const listed = await call('GET', `${base}?per_page=50`, auth);
    expect(listed.body.result.some((x: { id: string }) => x.id === t.id)).toBe(false);
    const withExpired = await call('GET', `${base}?per_page=50&include_expired=true`, auth);
    expect(withExpired.body.result.some((x: { id: string }) => x.id === t.id)).toBe(true);
  });

  const invalidRows = [
    { reason: 'missing name', body: { policies: [] as unknown[] }, message: 'name: name is required' },
    { reason: 'name longer than 120', body: { name: 'x'.repeat(121), policies: [] }, message: 'name: must be at most 120 characters' },
    { reason: 'no policies', body: { name: 'x', policies: [] }, message: 'policies: at least one policy is required' },
    { reason: 'bad effect', body: { name: 'x', policies: [{ effect: 'maybe', permission_groups: [{ id: 'x' }], resources: {} }] }, message: 'policies[0].effect: must be one of allow, deny' },
    { reason: 'unknown permission group', body: { name: 'x', policies: [{ effect: 'allow', permission_groups: [{ id: 'ffffffffffffffffffffffffffffffff' }], resources: { 'com.cloudflare.api.account.x': '*' } }] }, message: 'policies[0].permission_groups: unknown permission group id ffffffffffffffffffffffffffffffff' },
    {
      reason: 'bad CIDR',
      body: { name: 'x', policies: [{ effect: 'allow', permission_groups: [{ id: groupId('Zone Read') }], resources: { 'com.cloudflare.api.account.x': '*' } }], condition: { request_ip: { in: ['nope'] } } },
      message: 'condition.request_ip.in: must be a list of IPv4/IPv6 CIDR addresses',
    },
  ];

  it.each(invalidRows)('rejects create with 400: $reason', async ({ body, message }) => {
    const res = await call('POST', base, auth, body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, errors: [{ code: 1001, message }], messages: [], result: null });
    forgetExpectedViolations();
  });

  const authRows = [
    { reason: 'no Authorization header', headers: {}, status: 400, code: 6003 },
    { reason: 'unknown token', headers: { Authorization: 'Bearer not-a-token' }, status: 401, code: 1000 },
  ];

  it.each(authRows)('rejects management calls: $reason', async ({ headers, status, code }) => {
    const res = await call('GET', base, headers);
    expect(res.status).toBe(status);
    expect(res.body.errors[0].code).toBe(code);
  });

  it('lets an account token manage tokens only when a policy allows Account API Tokens Write', async () => {
    const account = `com.cloudflare.api.account.${sb.platforms.cloudflare.accountId}`;
    const manager = await create({ policies: [{ effect: 'allow', permission_groups: [{ id: groupId('Account API Tokens Write') }], resources: { [account]: '*' } }] });
    const reader = await create({ policies: [{ effect: 'allow', permission_groups: [{ id: groupId('Account API Tokens Read') }], resources: { [account]: '*' } }] });
    const plain = await create();
    const as = (t: { value: string }): Record<string, string> => ({ Authorization: `Bearer ${t.value}` });
    const made = await call('POST', base, as(manager), { name: 'made by a token', policies: [policy] });
    expect(made.status).toBe(200);
    expect((await call('DELETE', `${base}/${made.body.result.id as string}`, as(manager))).status).toBe(200);
    expect((await call('GET', `${base}/${plain.id}`, as(reader))).status).toBe(200);
    const refused = await call('POST', base, as(reader), { name: 'not allowed', policies: [policy] });
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].code).toBe(9109);
    expect((await call('GET', base, as(plain))).status).toBe(403);
    forgetExpectedViolations();
  });

  it('rejects another account with 403 Authentication error', async () => {
    const res = await call('GET', base.replace(sb.platforms.cloudflare.accountId, '0'.repeat(32)), auth);
    expect(res.status).toBe(403);
    expect(res.body.errors[0]).toEqual({ code: 10000, message: 'Authentication error' });
  });

  it('serves permission groups with 32-hex ids and filters by name and scope', async () => {
    const all = await call('GET', `${base}/permission_groups`, auth);
    expect(all.body.result.length).toBe(CF_PERMISSION_GROUPS.length);
    for (const g of all.body.result as { id: string }[]) expect(g.id).toMatch(/^[0-9a-f]{32}$/);
    const byName = await call('GET', `${base}/permission_groups?name=${encodeURIComponent('Zone Read')}`, auth);
    expect(byName.body.result).toHaveLength(1);
    const byScope = await call('GET', `${base}/permission_groups?scope=com.cloudflare.api.account.zone`, auth);
    expect(byScope.body.result.every((g: { scopes: string[] }) => g.scopes.includes('com.cloudflare.api.account.zone'))).toBe(true);
  });

  it('verifies the admin token itself', async () => {
    const res = await call('GET', `${base}/verify`, auth);
    expect(res.status).toBe(200);
    expect(res.body.messages[0].message).toBe('This API Token is valid and active');
  });

  it('sends x-ratelimit headers', async () => {
    const res = await call('GET', base, auth);
    expect(res.headers['x-ratelimit-limit']).toBe('1200');
    expect(Number(res.headers['x-ratelimit-remaining'])).toBeLessThan(1200);
  });

  it('saw only spec-conformant requests and responses', () => {
    expect(sb.violations()).toEqual([]);
  });
});

describe('Cloudflare rate limit', () => {
  it('answers 429 with the failure envelope, retry-after and an RFC 1123 reset', async () => {
    const sb = await startSandbox({ rateLimits: { cloudflare: { limit: 1, windowMs: 300_000 } } });
    try {
      const cf = sb.platforms.cloudflare;
      const url = `${cf.baseUrl}/accounts/${cf.accountId}/tokens`;
      expect((await call('GET', url, { Authorization: `Bearer ${cf.apiToken}` })).status).toBe(200);
      const res = await call('GET', url, { Authorization: `Bearer ${cf.apiToken}` });
      expect(res.status).toBe(429);
      expect(res.body).toMatchObject({ success: false, result: null, errors: [{ code: 10000 }] });
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number.isNaN(Date.parse(res.headers['x-ratelimit-reset'] ?? ''))).toBe(false);
      expect(res.headers['x-ratelimit-remaining']).toBe('0');
    } finally {
      await sb.close();
    }
  });
});
