import type { ProviderContext } from '../config/context.js';
import type { EphemeralResourceDefinition } from '../framework/ephemeral.js';
import { openTokenValue } from './open.js';
import { renewTokenValue } from './renew.js';
import { TYPE_NAME, tokenValueSchema } from './schema.js';
import { validateTokenValueConfig } from './validate.js';

/**
 * tokenValueResource is the ephemeral `sftoken_token_value`: the current
 * value of a delivered token, for another provider's configuration or a
 * write-only attribute, without it ever reaching plan or state. Opening
 * holds nothing, so there is no close.
 */
export const tokenValueResource: EphemeralResourceDefinition<ProviderContext> = {
  typeName: TYPE_NAME,
  schema: tokenValueSchema,
  validate: ({ config }) => validateTokenValueConfig(config),
  open: (request) => openTokenValue(request),
  renew: (request) => renewTokenValue(request),
};
