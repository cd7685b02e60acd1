import type { AttributeSchema, ResourceSchema } from '../framework/schema.js';
import { specCodecs, type FieldCodec } from './codec.js';

/** TYPE_NAME is the resource type; CDKTF derives the class name StorefrontToken from it. */
export const TYPE_NAME = 'sftoken_storefront_token';

/** SECRET_PREVIOUS_KEY is the Secret key holding the previous token during a rotation overlap (core's, for both front ends). */
export { PREVIOUS_TOKEN_KEY as SECRET_PREVIOUS_KEY } from '../../core/delivery/secret-content.js';

function describe(codec: FieldCodec): string | undefined {
  const parts = [codec.meta?.description];
  if (codec.meta?.change === 'immutable') parts.push('Changing it replaces the resource (a new token; the old one follows the deletion policy).');
  if (codec.meta?.change === 'rotate') parts.push('Changing it issues a new token; the previous one stays valid for the rotation overlap.');
  if (codec.defaultValue !== undefined && codec.kind === 'primitive') parts.push(`Defaults to \`${JSON.stringify(codec.defaultValue)}\`.`);
  const text = parts.filter((p): p is string => p !== undefined).join(' ');
  return text === '' ? undefined : text;
}

/** attributeOf turns one field codec into its Terraform attribute. */
export function attributeOf(codec: FieldCodec): AttributeSchema {
  const description = describe(codec);
  const flags = {
    ...(codec.required ? { required: true } : { optional: true }),
    ...(codec.defaultValue === undefined ? {} : { computed: true }),
    ...(codec.meta?.sensitive === true ? { sensitive: true } : {}),
    ...(codec.meta?.change === 'immutable' ? { requiresReplace: true } : {}),
    ...(description === undefined ? {} : { description }),
  };
  if (codec.kind === 'primitive') return { type: codec.type, ...flags };
  const attributes = Object.fromEntries(codec.children.map((c) => [c.attribute, attributeOf(c)]));
  return { nested: { nesting: codec.kind === 'object' ? 'single' : 'list', attributes }, ...flags };
}

const computedString = (description: string, extra: Partial<AttributeSchema> = {}): AttributeSchema => ({ type: 'string', computed: true, description, ...extra });

/**
 * computedAttributes are what the provider reports about the issued tokens.
 * The token value is not among them unless `expose_value` is set: state
 * holds the id, a fingerprint and the times, and the value lives only in
 * the Kubernetes Secret.
 */
export const computedAttributes: Readonly<Record<string, AttributeSchema>> = {
  id: computedString('Identifier of this resource, stable across rotations; also the owner marker on the Secret.', { stable: true }),
  token_id: computedString('Platform token reference of the current token (Cloudflare `account_id/token_id`, Avvyr `tenant_id/token_id`, BigCommerce `store_hash/fingerprint`, WizCommerce token id).'),
  fingerprint: computedString('First 12 hex digits of the SHA-256 of the current token value; never the value.'),
  issued_at: computedString('When the current token was issued (RFC 3339).'),
  expires_at: computedString('When the current token expires (RFC 3339); null when it never expires.'),
  renew_at: computedString('When the next apply will rotate the token (RFC 3339); null when it never expires.'),
  status: computedString('What the last refresh found: `active`, `unknown` (the platform cannot be asked), `revoked`, `expired`, `missing` (gone at the platform), `secret_missing`, `secret_stale` (edited), `secret_lost` (missing or edited, and no copy of the value is kept: the next apply issues a new token), `secret_foreign`, or `imported` (value not yet delivered).'),
  previous_token_id: computedString('Platform reference of the previous token during a rotation overlap.'),
  previous_fingerprint: computedString('Fingerprint of the previous token during a rotation overlap.'),
  previous_revoke_at: computedString('When the previous token may be revoked: the first apply after this time revokes it.'),
  revoked_at: computedString('When every token of this resource was revoked (RFC 3339).'),
  warnings: { type: ['list', 'string'], computed: true, description: 'Settings that work but deserve attention, e.g. a token usable from any origin.' },
  expose_value: {
    type: 'bool',
    optional: true,
    computed: true,
    description: 'Opt in to also keeping the token value in Terraform state as the sensitive `value` attribute. Defaults to `false`: the value then exists only in the Kubernetes Secret. Anyone who can read the state can read the token once this is true.',
  },
  value: computedString('The current token value, only when `expose_value` is true; null otherwise. Sensitive, but stored in state in plain text.', { sensitive: true }),
};

/** resourceSchema is the sftoken_storefront_token schema: the spec fields plus the computed token attributes. */
export const resourceSchema: ResourceSchema = {
  version: 0,
  block: {
    description:
      'A short-lived platform API token (BigCommerce, Cloudflare, WizCommerce or Avvyr), issued, rotated and revoked declaratively. The value is written to a Kubernetes Secret and, unless `expose_value` is set, never to Terraform state.',
    attributes: {
      ...Object.fromEntries(specCodecs.map((c) => [c.attribute, attributeOf(c)])),
      ...computedAttributes,
    },
  },
};
