/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call --
   Response bodies are untyped JSON from the wire; each test pins their shape with expect() instead of casts. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CF_PERMISSION_GROUPS, startSandbox, type PlatformName, type Sandbox } from './index.js';
import { call } from './testing/http.js';

const FUTURE = Math.floor(Date.UTC(2030, 0, 1) / 1000);

/** Creates one token on each platform through its management API; returns the response status or 'dropped'. */
async function createOn(sb: Sandbox, platform: PlatformName): Promise<{ status: number | 'dropped'; body?: unknown; headers?: Record<string, string> }> {
  const p = sb.platforms;
  const requests: Record<PlatformName, () => Promise<Awaited<ReturnType<typeof call>>>> = {
    bigcommerce: () =>
      call('POST', `${p.bigcommerce.baseUrl}/stores/${p.bigcommerce.storeHash}/v3/storefront/api-token-private`, { 'X-Auth-Token': p.bigcommerce.accessToken, Accept: 'application/json' }, { channel_id: 1, expires_at: FUTURE, scopes: ['Customer'] }),
    cloudflare: () =>
      call('POST', `${p.cloudflare.baseUrl}/accounts/${p.cloudflare.accountId}/tokens`, { Authorization: `Bearer ${p.cloudflare.apiToken}` }, {
        name: 'fault',
        policies: [{ effect: 'allow', permission_groups: [{ id: CF_PERMISSION_GROUPS[0]?.id }], resources: { 'com.cloudflare.api.account.x': '*' } }],
      }),
    wizcommerce: () => call('POST', `${p.wizcommerce.baseUrl}/auth/token`, {}, { email: p.wizcommerce.email, password: p.wizcommerce.password }),
    avvyr: () => call('POST', `${p.avvyr.baseUrl}/v1/tenants/${p.avvyr.tenantId}/storefront-tokens`, { Authorization: `Bearer ${p.avvyr.apiKey}` }, { name: 'fault' }),
  };
  try {
    const res = await requests[platform]();
    return { status: res.status, body: res.body, headers: res.headers };
  } catch {
    return { status: 'dropped' };
  }
}

const PLATFORMS: readonly PlatformName[] = ['bigcommerce', 'cloudflare', 'wizcommerce', 'avvyr'];

describe('fault injection', () => {
  let sb: Sandbox;

  beforeAll(async () => {
    sb = await startSandbox({ random: () => 0.5 });
  });
  afterAll(async () => {
    await sb.close();
  });
  beforeEach(() => {
    sb.reset({ tokens: true, stats: true });
  });

  const errorEnvelopes: { reason: string; platform: PlatformName; shape: Record<string, unknown> }[] = [
    { reason: 'BigCommerce ErrorResponse', platform: 'bigcommerce', shape: { status: 500, title: 'Internal Server Error' } },
    { reason: 'Cloudflare failure envelope', platform: 'cloudflare', shape: { success: false, result: null } },
    { reason: 'WizCommerce assumed envelope', platform: 'wizcommerce', shape: { code: 'INTERNAL_ERROR' } },
    { reason: 'Avvyr error object', platform: 'avvyr', shape: { error: { code: 'internal', message: 'Internal error' } } },
  ];

  it.each(errorEnvelopes)('errorRate answers 500 in the platform envelope: $reason', async ({ platform, shape }) => {
    sb.setFaults({ errorRate: 0.6 }, platform);
    const res = await createOn(sb, platform);
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject(shape);
    expect(sb.inventory(platform)).toHaveLength(0);
    sb.setFaults({ errorRate: 0.4 }, platform);
    expect((await createOn(sb, platform)).status).toBeLessThan(300);
  });

  it.each(PLATFORMS)('burst429 answers exactly N requests with 429 and real headers on %s', async (platform) => {
    sb.setFaults({ burst429: 2 }, platform);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await createOn(sb, platform)).status);
    expect(statuses.slice(0, 2)).toEqual([429, 429]);
    expect(statuses[2]).toBeLessThan(300);
    expect(sb.stats().rateLimited).toBe(2);
  });

  it.each(PLATFORMS)('dropAfterCommit commits the create, then drops the connection on %s', async (platform) => {
    sb.setFaults({ dropAfterCommit: 1 });
    const dropped = await createOn(sb, platform);
    expect(dropped.status).toBe('dropped');
    const inv = sb.inventory(platform);
    expect(inv).toHaveLength(1);
    expect(inv[0]?.state).toBe('active');
    expect(sb.stats().dropped).toBe(1);
    expect((await createOn(sb, platform)).status).toBeLessThan(300);
  });

  it('latencyMs delays management requests', async () => {
    sb.setFaults({ latencyMs: 150 }, 'avvyr');
    const t0 = performance.now();
    await createOn(sb, 'avvyr');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('rejects out-of-range faults', () => {
    expect(() => {
      sb.setFaults({ errorRate: 2 });
    }).toThrow(/between 0 and 1/);
    expect(() => {
      sb.setFaults({ latencyMs: -1 });
    }).toThrow(/non-negative/);
  });
});

describe('control endpoints', () => {
  let sb: Sandbox;

  beforeAll(async () => {
    sb = await startSandbox();
  });
  afterAll(async () => {
    await sb.close();
  });

  it('sets, reads and resets faults over HTTP', async () => {
    const set = await call('POST', `${sb.url}/_sandbox/faults`, {}, { platform: 'cloudflare', burst429: 1, dropAfterCommit: 2 });
    expect(set.status).toBe(200);
    expect(set.body.cloudflare).toMatchObject({ burst429: 1, dropAfterCommit: 2 });
    const bad = await call('POST', `${sb.url}/_sandbox/faults`, {}, { errorRate: 5 });
    expect(bad.status).toBe(400);
    await call('POST', `${sb.url}/_sandbox/reset`, {}, {});
    expect((await call('GET', `${sb.url}/_sandbox/faults`)).body.cloudflare).toEqual({ errorRate: 0, latencyMs: 0, burst429: 0, dropAfterCommit: 0 });
  });

  it('sets rate limits over HTTP and turns them off', async () => {
    const res = await call('POST', `${sb.url}/_sandbox/rate-limits`, {}, { avvyr: { limit: 1 } });
    expect(res.body.avvyr).toMatchObject({ enabled: true, limit: 1, windowMs: 60_000 });
    expect((await createOn(sb, 'avvyr')).status).toBe(201);
    const limited = await createOn(sb, 'avvyr');
    expect(limited.status).toBe(429);
    expect(limited.headers?.['retry-after']).toMatch(/^\d+$/);
    await call('POST', `${sb.url}/_sandbox/rate-limits`, {}, false);
    expect((await createOn(sb, 'avvyr')).status).toBe(201);
    expect((await call('POST', `${sb.url}/_sandbox/rate-limits`, {}, { nowhere: false })).status).toBe(400);
  });

  it('lists the inventory without ever including a token value', async () => {
    const created = await createOn(sb, 'wizcommerce');
    const value = (created.body as { access_token: string }).access_token;
    const inv = await call('GET', `${sb.url}/_sandbox/inventory?platform=wizcommerce`);
    expect(inv.body.tokens.length).toBeGreaterThan(0);
    expect(inv.text).not.toContain(value);
    expect(inv.body.tokens.at(-1)).toMatchObject({ platform: 'wizcommerce', scope: 'tenant', state: 'active' });
    expect(inv.body.tokens.at(-1).fingerprint).toMatch(/^[0-9a-f]{8}$/);
    expect((await call('GET', `${sb.url}/_sandbox/inventory?platform=nope`)).status).toBe(400);
  });

  it('counts requests by platform, operation and status', async () => {
    await call('POST', `${sb.url}/_sandbox/reset`, {}, { stats: true });
    await createOn(sb, 'bigcommerce');
    await createOn(sb, 'bigcommerce');
    const stats = (await call('GET', `${sb.url}/_sandbox/stats`)).body as { total: number; rows: { platform: string; operation: string; status: number; count: number }[] };
    expect(stats.total).toBe(2);
    expect(stats.rows).toEqual([{ platform: 'bigcommerce', operation: 'createPrivateToken', status: 200, count: 2 }]);
  });

  it('describes platforms and answers health', async () => {
    const d = await call('GET', `${sb.url}/_sandbox/platforms`);
    expect(d.body.platforms.cloudflare.baseUrl).toBe(`${sb.url}/cloudflare/client/v4`);
    expect((await call('GET', `${sb.url}/_sandbox/health`)).body).toEqual({ ok: true });
    expect((await call('GET', `${sb.url}/_sandbox/nope`)).status).toBe(404);
  });
});
