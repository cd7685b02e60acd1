import { isDeepStrictEqual } from 'node:util';
import type { ObservedSpec } from '../contract/adapter.js';
import type { ChangePolicy } from '../schema/meta.js';
import { storefrontTokenSpecSchema, type StorefrontTokenSpec } from '../schema/storefront-token.js';
import { getAt, walkFields } from '../schema/walk.js';

/** A FieldChange is one field whose desired value differs from the token's. */
export interface FieldChange {
  /** path from the spec root, e.g. ['avvyr', 'allowedOrigins']. */
  readonly path: readonly string[];
  /** change is what applying it takes, from the field's metadata. */
  readonly change: ChangePolicy;
}

/**
 * diffSpec compares the desired spec with a token as observed (or as issued,
 * where the platform cannot be asked), field by field, using only fields the
 * observation actually reports: what the platform cannot tell us is never
 * treated as drift. Lists are compared as sets, since platforms reorder them.
 * `name` is the resolved display name (the spec's, or the resource name).
 */
export function diffSpec(spec: StorefrontTokenSpec, observed: ObservedSpec, name: string): FieldChange[] {
  const changes: FieldChange[] = [];
  // An unset displayName means the resource name, which is what was sent.
  const desired = { ...spec, displayName: spec.displayName ?? name };
  const platform = desired.platform;
  const seen = { displayName: observed.displayName, [platform]: observed.block };
  walkFields(storefrontTokenSpecSchema, ({ path, meta }) => {
    const change = meta?.change;
    if (change === undefined || change === 'local' || change === 'immutable') return;
    if (path[0] !== 'displayName' && path[0] !== platform) return;
    const actual = getAt(seen, path);
    if (actual === undefined) return;
    if (!sameValue(getAt(desired, path), actual)) changes.push({ path, change });
  });
  return changes;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x) => b.some((y) => sameValue(x, y)));
  }
  if (a === undefined && Array.isArray(b)) return b.length === 0;
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => sameValue(a[k], b[k]));
  }
  return isDeepStrictEqual(a, b);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
