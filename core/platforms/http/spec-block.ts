import { CoreError } from '../../errors.js';
import type { PlatformName } from '../../schema/platform.js';
import type { StorefrontTokenSpec } from '../../schema/storefront-token.js';

/** specBlock returns the spec's block for the adapter's platform, or ERR_SCHEMA_INVALID at that path. */
export function specBlock<K extends PlatformName>(spec: StorefrontTokenSpec, key: K): NonNullable<StorefrontTokenSpec[K]> {
  const block = spec[key];
  if (block === undefined) throw new CoreError('ERR_SCHEMA_INVALID', `The ${key} block is required for ${key} tokens`, { path: [key], platform: key });
  return block;
}
