import { describe, expect, it } from 'vitest';
import { markerOf, nameMarker, stripMarker, withMarker } from './name-marker.js';
import { cloudflarePoliciesEqual, policiesFromWire, type CloudflarePolicy } from './policies.js';

const A: CloudflarePolicy = { effect: 'allow', permissionGroups: ['g1', 'g2'], resources: { 'com.cloudflare.api.account.x': '*' } };
const B: CloudflarePolicy = { effect: 'deny', permissionGroups: ['g3'], resources: { 'com.cloudflare.api.account.x': '{"com.cloudflare.api.account.zone.*": "*"}' } };

describe('cloudflarePoliciesEqual', () => {
  const rows: { name: string; reason: string; a: CloudflarePolicy[]; b: CloudflarePolicy[]; want: boolean }[] = [
    { name: 'Reordered', reason: 'the API may reorder policies', a: [A, B], b: [B, A], want: true },
    { name: 'GroupsReordered', reason: 'the API may reorder permission groups', a: [A], b: [{ ...A, permissionGroups: ['g2', 'g1'] }], want: true },
    { name: 'JsonSpacing', reason: 'nested scopes compare as JSON, not text', a: [B], b: [{ ...B, resources: { 'com.cloudflare.api.account.x': '{"com.cloudflare.api.account.zone.*":"*"}' } }], want: true },
    { name: 'EffectDiffers', reason: 'allow and deny differ', a: [A], b: [{ ...A, effect: 'deny' }], want: false },
    { name: 'GroupMissing', reason: 'a dropped group is drift', a: [A], b: [{ ...A, permissionGroups: ['g1'] }], want: false },
  ];
  for (const row of rows) {
    it(`${row.name}: ${row.reason}`, () => {
      expect(cloudflarePoliciesEqual(row.a, row.b), row.reason).toBe(row.want);
    });
  }

  it('renders nested wire resources as canonical JSON strings', () => {
    const wire = [{ effect: 'deny' as const, permission_groups: [{ id: 'g3' }], resources: { 'com.cloudflare.api.account.x': { 'com.cloudflare.api.account.zone.*': '*' } } }];
    expect(cloudflarePoliciesEqual(policiesFromWire(wire), [B])).toBe(true);
  });
});

describe('name marker', () => {
  it('stays within the limit, survives the round trip, and is stable per key', () => {
    const marker = nameMarker('key-1');
    const name = withMarker('n'.repeat(200), marker, 120);
    expect(name.length).toBe(120);
    expect(markerOf(name)).toBe(marker);
    expect(stripMarker(withMarker('shop', marker, 120))).toBe('shop');
    expect(nameMarker('key-1')).toBe(marker);
    expect(nameMarker('key-2')).not.toBe(marker);
  });
});
