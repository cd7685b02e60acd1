import { z } from 'zod';
import { admit, celList } from '../../schema/admission.js';
import { channelIdSchema, storeHashSchema } from '../../schema/ids.js';
import { field } from '../../schema/meta.js';
import { originSchema } from '../../schema/origin.js';

// The platform's block of StorefrontToken.spec: its scope and its own settings,
// with the metadata the CRD, Terraform schema and docs generators read.

/** bigcommerceTokenKinds are the three BigCommerce token endpoints. */
export const bigcommerceTokenKinds = ['storefront', 'private', 'customerImpersonation'] as const;

/** bigcommerceScopes are the private-token scopes BigCommerce accepts. */
export const bigcommerceScopes = ['Unauthenticated', 'Customer', 'B2B'] as const;

/** bigcommerceSpecSchema is the BigCommerce block: store, token kind, channels, scopes, origins. */
export const bigcommerceSpecSchema = admit(z.strictObject({
  storeHash: field(storeHashSchema, {
    description: 'Store hash, as in https://api.bigcommerce.com/stores/{storeHash}/v3.',
    change: 'immutable',
    example: 'abc123xyz',
  }),
  kind: field(z.enum(bigcommerceTokenKinds).default('storefront'), {
    description: 'Token kind: storefront (browser, CORS-bound), private (server-to-server, scoped) or customerImpersonation (server-side, acts for any customer).',
    change: 'immutable',
  }),
  channelIds: field(z.array(channelIdSchema).min(1, { message: 'must list at least one channel id' }), {
    description: 'Channels the token is valid for; baked into the JWT, so a change issues a new token.',
    change: 'rotate',
    example: '[1]',
  }),
  scopes: field(z.array(z.enum(bigcommerceScopes)).min(1, { message: 'must list at least one scope' }).max(bigcommerceScopes.length, { message: `must list at most the ${bigcommerceScopes.length} scopes, each once` }).optional(), {
    description: 'Private tokens only: the GraphQL scopes granted (Unauthenticated, Customer, B2B).',
    change: 'rotate',
  }),
  allowedCorsOrigins: field(z.array(originSchema).min(1, { message: 'must list at least one origin, or be left out' }).max(2, { message: 'BigCommerce accepts at most 2 origins per token; create a second token for more' }).optional(), {
    description: 'Storefront tokens only: 1 or 2 browser origins (scheme://host[:port], no path, no trailing slash); baked into the JWT.',
    change: 'rotate',
    example: '["https://shop.example.com"]',
  }),
}).superRefine((block, ctx) => {
  // The three BigCommerce endpoints take different bodies; reject a field the
  // chosen kind's endpoint does not accept rather than silently dropping it.
  if (block.kind === 'private' && block.scopes === undefined) {
    ctx.addIssue({ code: 'custom', path: ['scopes'], message: 'is required for private tokens' });
  }
  if (block.kind !== 'private' && block.scopes !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['scopes'], message: `applies only to private tokens, not ${block.kind} tokens` });
  }
  if (block.kind !== 'storefront' && block.allowedCorsOrigins !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['allowedCorsOrigins'], message: `applies only to storefront tokens; ${block.kind} tokens are not used from browsers` });
  }
}), [
  // The same three rules at admission, naming the kinds they apply to, so
  // an unknown kind reports only itself.
  { rule: "!has(self.kind) || self.kind != 'private' || has(self.scopes)", message: 'is required for private tokens', fieldPath: '.scopes', reason: 'FieldValueRequired' },
  { rule: `!has(self.kind) || !(self.kind in ${celList(bigcommerceTokenKinds.filter((k) => k !== 'private'))}) || !has(self.scopes)`, messageExpression: "'applies only to private tokens, not ' + self.kind + ' tokens'", fieldPath: '.scopes', reason: 'FieldValueForbidden' },
  { rule: `!has(self.kind) || !(self.kind in ${celList(bigcommerceTokenKinds.filter((k) => k !== 'storefront'))}) || !has(self.allowedCorsOrigins)`, messageExpression: "'applies only to storefront tokens; ' + self.kind + ' tokens are not used from browsers'", fieldPath: '.allowedCorsOrigins', reason: 'FieldValueForbidden' },
]);
