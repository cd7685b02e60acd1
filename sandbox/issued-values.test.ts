/* eslint-disable @typescript-eslint/no-unsafe-member-access -- answers are untyped JSON from the wire, pinned with expect() */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CF_PERMISSION_GROUPS, startSandbox, type Sandbox } from './index.js';
import { call } from './testing/http.js';

describe('issuedValues (test-only)', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ rateLimits: false, retainIssuedValues: true });
  });
  afterAll(async () => {
    await sb.close();
  });

  it('returns every value issued or rolled, per platform, and nothing over HTTP', async () => {
    const cf = sb.platforms.cloudflare;
    const url = `${cf.baseUrl}/accounts/${cf.accountId}/tokens`;
    const auth = { Authorization: `Bearer ${cf.apiToken}` };
    const policy = { effect: 'allow', permission_groups: [{ id: CF_PERMISSION_GROUPS[0]?.id }], resources: { [`com.cloudflare.api.account.${cf.accountId}`]: '*' } };
    const created = (await call('POST', url, auth, { name: 'v', policies: [policy] })).body.result as { id: string; value: string };
    const rolled = (await call('PUT', `${url}/${created.id}/value`, auth, {})).body.result as string;
    const wiz = sb.platforms.wizcommerce;
    const login = (await call('POST', `${wiz.baseUrl}/auth/token`, {}, { email: wiz.email, password: wiz.password })).body.access_token as string;
    expect(sb.issuedValues('cloudflare'), 'the created and the rolled value').toEqual([created.value, rolled]);
    expect(sb.issuedValues(), 'all platforms').toEqual([created.value, rolled, login]);
    const inventory = await call('GET', `${sb.url}/_sandbox/inventory`);
    for (const v of sb.issuedValues()) expect(inventory.text, 'the inventory never serves a value').not.toContain(v);
  });

  it('refuses when the sandbox was not asked to retain values', async () => {
    const plain = await startSandbox({ rateLimits: false });
    try {
      expect(() => plain.issuedValues()).toThrow(/retainIssuedValues/);
    } finally {
      await plain.close();
    }
  });
});
