import { CoreError } from '../errors.js';
import { storefrontTokenSpecSchema, type StorefrontTokenSpec } from '../schema/storefront-token.js';
import { getAt, walkFields } from '../schema/walk.js';

/** A ScopeField is one field naming where a token lives at the platform (store, account, tenant, market). */
export interface ScopeField {
  readonly path: readonly string[];
  readonly value: string;
}

/**
 * scopeFieldsOf lists the token's scope: the immutable, free-form fields of
 * its platform block (an id, a hash, an account), read from the schema's
 * metadata, so no platform is named here. Immutable enums (a token kind, a
 * level) are settings, not places.
 */
export function scopeFieldsOf(spec: StorefrontTokenSpec): ScopeField[] {
  const out: ScopeField[] = [];
  walkFields(storefrontTokenSpecSchema, ({ path, inner, meta }) => {
    if (path[0] !== spec.platform || path.length !== 2 || meta?.change !== 'immutable') return;
    if ((inner._zod.def as { type: string }).type === 'enum') return;
    const value = getAt(spec, path);
    if (typeof value === 'string') out.push({ path, value });
  });
  return out;
}

/**
 * scopeNotFound turns a platform's "not found" on a create into an error
 * that names the scope: a create can only miss because the store, account,
 * tenant or market it names does not exist (or the credentials cannot see it).
 */
export function scopeNotFound(spec: StorefrontTokenSpec, cause: unknown): CoreError {
  const fields = scopeFieldsOf(spec);
  const named = fields.map((f) => `spec.${f.path.join('.')} "${f.value}"`).join(' or ');
  return new CoreError('ERR_SCOPE_NOT_FOUND', `${spec.platform} has no ${named === '' ? 'such scope' : named}, or the connection's credentials cannot see it; fix the field or the credentials`, {
    cause,
    platform: spec.platform,
    ...(fields[0] === undefined ? {} : { path: fields[0].path }),
  });
}
