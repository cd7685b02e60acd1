import type { z } from 'zod';
import type { StorefrontTokenSpec } from '../../schema/storefront-token.js';
import type { cloudflarePolicyWire } from './wire.js';

type SpecPolicy = NonNullable<StorefrontTokenSpec['cloudflare']>['policies'][number];

/** A CloudflarePolicy is a policy in the spec's shape, as observe reports it. */
export interface CloudflarePolicy {
  readonly effect: 'allow' | 'deny';
  readonly permissionGroups: readonly string[];
  readonly resources: Readonly<Record<string, string>>;
}

/** canonicalJson serialises with sorted keys, so equal objects give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

// A spec resource value that is a JSON object is a nested scope; anything else is a plain string.
function resourceToWire(value: string): unknown {
  if (!value.trimStart().startsWith('{')) return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null ? parsed : value;
  } catch {
    return value;
  }
}

/** policiesToWire renders spec policies as the API's `[{effect, permission_groups:[{id}], resources}]`. */
export function policiesToWire(policies: readonly SpecPolicy[]): unknown[] {
  return policies.map((p) => ({
    effect: p.effect,
    permission_groups: p.permissionGroups.map((id) => ({ id })),
    resources: Object.fromEntries(Object.entries(p.resources).map(([k, v]) => [k, resourceToWire(v)])),
  }));
}

/**
 * canonicalPolicies puts policies in one order-free form: permission groups
 * sorted, nested resource scopes as canonical JSON, policies sorted. The API
 * may reorder both lists, so desired and observed policies are equal exactly
 * when their canonical forms are.
 */
export function canonicalPolicies(policies: readonly CloudflarePolicy[]): CloudflarePolicy[] {
  const canonical = policies.map((p) => ({
    effect: p.effect,
    permissionGroups: [...new Set(p.permissionGroups)].sort(),
    resources: Object.fromEntries(
      Object.entries(p.resources)
        .map(([k, v]): [string, string] => [k, typeof resourceToWire(v) === 'string' ? v : canonicalJson(resourceToWire(v))])
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
  }));
  return canonical.sort((a, b) => {
    const x = canonicalJson(a);
    const y = canonicalJson(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** cloudflarePoliciesEqual compares policy lists as sets, the way the API treats them. */
export function cloudflarePoliciesEqual(a: readonly CloudflarePolicy[], b: readonly CloudflarePolicy[]): boolean {
  return canonicalJson(canonicalPolicies(a)) === canonicalJson(canonicalPolicies(b));
}

/** policiesFromWire renders API policies in the spec's shape, canonically ordered. */
export function policiesFromWire(policies: readonly z.output<typeof cloudflarePolicyWire>[]): CloudflarePolicy[] {
  return canonicalPolicies(
    policies.map((p) => ({
      effect: p.effect,
      permissionGroups: p.permission_groups.map((g) => g.id),
      resources: Object.fromEntries(Object.entries(p.resources).map(([k, v]) => [k, typeof v === 'string' ? v : canonicalJson(v)])),
    })),
  );
}
