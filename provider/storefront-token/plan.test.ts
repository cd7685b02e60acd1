import { describe, expect, it } from 'vitest';
import { isUnknown, type ObjectValue, type Value } from '../framework/value.js';
import { specCodecs } from './codec.js';
import { fillDefaults } from './convert.js';
import { planToken } from './plan.js';
import { resourceSchema } from './schema.js';

// planToken against states shaped like real ones: every attribute present,
// defaults filled, computed token attributes as apply leaves them.
const now = new Date('2026-06-01T12:00:00Z');
const empty: ObjectValue = Object.fromEntries(Object.keys(resourceSchema.block.attributes).map((k) => [k, null]));

function config(platform: 'avvyr' | 'bigcommerce', origins: readonly string[], extra: ObjectValue = {}): ObjectValue {
  const block =
    platform === 'avvyr'
      ? { avvyr: { tenant_id: 't1', level: null, market_id: null, allowed_origins: origins } }
      : { bigcommerce: { store_hash: 'abc', kind: null, channel_ids: [1], scopes: null, allowed_cors_origins: origins } };
  const lifetime = platform === 'bigcommerce' ? { lifetime: { ttl: '720h', expires_at: null } } : {};
  return { ...empty, platform, ...block, ...lifetime, secret: { name: 's', namespace: 'ns', keys: null, labels: null, annotations: null, on_revoke: null }, ...extra };
}

function state(cfg: ObjectValue, view: Record<string, Value> = {}): ObjectValue {
  return {
    ...cfg,
    ...fillDefaults(cfg, specCodecs),
    id: 'r1',
    token_id: 't1/tok1',
    fingerprint: 'aaaaaaaaaaaa',
    issued_at: '2026-06-01T00:00:00.000Z',
    expires_at: cfg['platform'] === 'bigcommerce' ? '2026-07-01T00:00:00.000Z' : null,
    renew_at: cfg['platform'] === 'bigcommerce' ? '2026-06-21T00:00:00.000Z' : null,
    status: 'active',
    warnings: [],
    expose_value: false,
    ...view,
  };
}

const unknownIn = (planned: ObjectValue): string[] => Object.keys(planned).filter((k) => isUnknown(planned[k])).sort();
const shop = ['https://shop.test'];

describe('planToken', () => {
  it.each([
    {
      reason: 'create: everything the platform decides is unknown, previous_* is known null',
      prior: null,
      cfg: config('avvyr', shop),
      unknown: ['expires_at', 'fingerprint', 'id', 'issued_at', 'renew_at', 'status', 'token_id'],
      replace: [],
    },
    { reason: 'no change: nothing unknown, so a refresh plans nothing', prior: state(config('avvyr', shop)), cfg: config('avvyr', shop), unknown: [], replace: [] },
    {
      reason: 'Avvyr origins change in place: the token (fingerprint) stays',
      prior: state(config('avvyr', shop)),
      cfg: config('avvyr', ['https://new.test']),
      unknown: ['renew_at', 'status'],
      replace: [],
    },
    {
      reason: 'BigCommerce origins are in the JWT: a new token, the old one becomes previous',
      prior: state(config('bigcommerce', shop)),
      cfg: config('bigcommerce', ['https://new.test']),
      unknown: ['expires_at', 'fingerprint', 'issued_at', 'previous_fingerprint', 'previous_revoke_at', 'previous_token_id', 'renew_at', 'status', 'token_id'],
      replace: [],
    },
    {
      reason: 'an immutable field forces replacement',
      prior: state(config('avvyr', shop)),
      cfg: { ...config('avvyr', shop), avvyr: { tenant_id: 't2', level: null, market_id: null, allowed_origins: shop } },
      unknown: ['expires_at', 'fingerprint', 'id', 'issued_at', 'renew_at', 'status', 'token_id'],
      replace: ['avvyr.tenant_id'],
    },
    {
      reason: 'a Secret found missing by refresh, with a copy kept, plans republishing the same token',
      prior: state(config('avvyr', shop), { status: 'secret_missing' }),
      cfg: config('avvyr', shop),
      unknown: ['renew_at', 'status'],
      replace: [],
    },
    {
      reason: 'a Secret lost with no copy kept plans a new token',
      prior: state(config('avvyr', shop), { status: 'secret_lost' }),
      cfg: config('avvyr', shop),
      unknown: ['expires_at', 'fingerprint', 'issued_at', 'previous_fingerprint', 'previous_revoke_at', 'previous_token_id', 'renew_at', 'status', 'token_id'],
      replace: [],
    },
    {
      reason: 'an overlap that ended plans revoking the previous token only',
      prior: state(config('avvyr', shop), { previous_token_id: 't1/old', previous_fingerprint: 'bbbbbbbbbbbb', previous_revoke_at: '2026-06-01T11:00:00.000Z' }),
      cfg: config('avvyr', shop),
      unknown: ['previous_fingerprint', 'previous_revoke_at', 'previous_token_id', 'renew_at', 'status'],
      replace: [],
    },
    {
      reason: 'revoked = true plans the revocation',
      prior: state(config('avvyr', shop)),
      cfg: config('avvyr', shop, { revoked: true }),
      unknown: ['previous_fingerprint', 'previous_revoke_at', 'previous_token_id', 'renew_at', 'revoked_at', 'status'],
      replace: [],
    },
  ])('$reason', ({ prior, cfg, unknown, replace }) => {
    const result = planToken({ prior, config: cfg, now });
    expect(result.diagnostics ?? []).toStrictEqual([]);
    expect(unknownIn(result.planned)).toStrictEqual(unknown);
    expect((result.requiresReplace ?? []).map((p) => p.map((s) => ('attribute' in s ? s.attribute : '')).join('.'))).toStrictEqual(replace);
    expect(result.planned['value'], 'the value is never planned into state without expose_value').toBeNull();
  });

  it('fails to plan revoked back to false, at the revoked attribute', () => {
    const result = planToken({ prior: state(config('avvyr', shop), { revoked: true, revoked_at: '2026-06-01T00:00:00.000Z' }), config: config('avvyr', shop, { revoked: false }), now });
    expect(result.diagnostics?.[0]).toMatchObject({ severity: 'error', summary: 'Revocation Is Permanent', path: [{ attribute: 'revoked' }] });
  });

  it('fails to plan a spec the shared rules reject, naming the attribute', () => {
    const result = planToken({ prior: null, config: config('bigcommerce', ['https://a.test/']), now });
    expect(result.diagnostics?.[0]).toMatchObject({ severity: 'error', path: [{ attribute: 'bigcommerce' }] });
    expect(result.diagnostics?.[0]?.detail).toMatch(/allowed_cors_origins\[0\] must not end with a slash/);
  });
});
