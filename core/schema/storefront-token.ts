import { z } from 'zod';
import { admit, celList } from './admission.js';
import { cidrSchema } from './cidr.js';
import { durationSchema } from './duration.js';
import { avvyrIdSchema, channelIdSchema, cloudflareIdSchema, storeHashSchema } from './ids.js';
import { field } from './meta.js';
import { originSchema } from './origin.js';
import { platformSchema } from './platform.js';
import { secretKeysSchema } from './secret-keys.js';
import { secretNameSchema } from './secret-name.js';

// The StorefrontToken spec: one declaration per field, each with the metadata
// the CRD, Terraform schema and docs generators read. Platform blocks hold the
// token's scope and platform-only settings; the common part holds lifetime,
// rotation, revocation and delivery.

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

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

/** cloudflarePolicySchema is one Cloudflare token policy. */
export const cloudflarePolicySchema = z.strictObject({
  effect: field(z.enum(['allow', 'deny']).default('allow'), { description: 'Whether the policy allows or denies the permission groups on the resources.' }),
  permissionGroups: field(z.array(cloudflareIdSchema('permission group id')).min(1, { message: 'must list at least one permission group id' }), {
    description: 'Permission group ids, as listed by GET /accounts/{account_id}/tokens/permission_groups.',
  }),
  resources: field(admit(z.record(z.string().min(1), z.string().min(1)).refine((r) => Object.keys(r).length > 0, { message: 'must name at least one resource' }), [
    { rule: 'self.size() > 0', message: 'must name at least one resource' },
  ]), {
    description: 'Resources the policy covers, e.g. {"com.cloudflare.api.account.<account_id>": "*"}; a value may be a JSON object for nested scopes.',
  }),
});

/** cloudflareSpecSchema is the Cloudflare block: account, policies, IP condition, not-before. */
export const cloudflareSpecSchema = z.strictObject({
  accountId: field(cloudflareIdSchema('account id'), {
    description: 'Account that owns the token.',
    change: 'immutable',
  }),
  // 50 is our bound, not a documented Cloudflare limit: CEL rules on each
  // policy need a bounded list to be admitted.
  policies: field(z.array(cloudflarePolicySchema).min(1, { message: 'must list at least one policy' }).max(50, { message: 'must list at most 50 policies' }), {
    description: 'Access policies; updated in place on the existing token.',
    change: 'inPlace',
  }),
  condition: field(z.strictObject({
    requestIp: z.strictObject({
      in: field(z.array(cidrSchema).max(100).optional(), { description: 'Client IP ranges the token may be used from.' }),
      notIn: field(z.array(cidrSchema).max(100).optional(), { description: 'Client IP ranges the token may not be used from.' }),
    }),
  }).optional(), {
    description: 'Restricts where the token may be used from; updated in place.',
    change: 'inPlace',
  }),
  notBefore: field(z.iso.datetime({ offset: true, message: 'must be an RFC 3339 time such as 2026-12-01T00:00:00Z' }).optional(), {
    description: 'The token is not valid before this time; updated in place.',
    change: 'inPlace',
  }),
});

/** wizcommerceSpecSchema is the WizCommerce block: the account the token belongs to. */
export const wizcommerceSpecSchema = z.strictObject({
  accountEmail: field(z.email({ message: 'must be the email address of the WizCommerce account' }), {
    description: 'Email of the WizCommerce account the token is created for; must match the connection credentials.',
    change: 'immutable',
  }),
});

/** avvyrSpecSchema is the Avvyr block: tenant or market level, and allowed origins. */
export const avvyrSpecSchema = admit(z.strictObject({
  tenantId: field(avvyrIdSchema('tenant id'), { description: 'Avvyr tenant id, as in /v1/tenants/{tenantId}.', change: 'immutable' }),
  level: field(z.enum(['tenant', 'market']).default('tenant'), {
    description: 'tenant: shared across all markets; market: scoped to marketId.',
    change: 'immutable',
  }),
  marketId: field(avvyrIdSchema('market id').optional(), { description: 'Market id; required when level is market.', change: 'immutable' }),
  allowedOrigins: field(z.array(originSchema).max(20, { message: 'must list at most 20 origins' }).default([]), {
    description: 'Browser origins allowed to use the token; empty allows every origin (development only). Updated in place.',
    change: 'inPlace',
    emptyWarning: 'is empty, so the token works from any origin (Avvyr: "Allows all origins (Development)"); list your storefront origins for production',
  }),
}).superRefine((block, ctx) => {
  if (block.level === 'market' && block.marketId === undefined) {
    ctx.addIssue({ code: 'custom', path: ['marketId'], message: 'is required when level is market' });
  }
  if (block.level === 'tenant' && block.marketId !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['marketId'], message: 'must not be set when level is tenant' });
  }
}), [
  { rule: "!has(self.level) || self.level != 'market' || has(self.marketId)", message: 'is required when level is market', fieldPath: '.marketId', reason: 'FieldValueRequired' },
  { rule: "!has(self.level) || self.level != 'tenant' || !has(self.marketId)", message: 'must not be set when level is tenant', fieldPath: '.marketId', reason: 'FieldValueForbidden' },
]);

/** secretSpecSchema says which Kubernetes Secret receives the issued value, and how. */
export const secretSpecSchema = z.strictObject({
  name: field(secretNameSchema, {
    description: 'Name of the Secret that receives the token; not a state Secret (sftoken-state-*, sftoken-tfstate-*).',
  }),
  namespace: field(z.string().max(63).regex(dnsLabel, { message: 'must be a valid Kubernetes namespace name' }).optional(), {
    description: 'Namespace of the Secret (Terraform only; the operator always writes into the token\'s own namespace).',
    surfaces: ['terraform'],
  }),
  keys: field(secretKeysSchema, {
    description: 'Data keys to write, pairwise distinct: the token value, and the non-secret expiry, origins and token id.',
  }),
  labels: field(z.record(z.string(), z.string()).default({}), { description: 'Labels added to the Secret.' }),
  annotations: field(z.record(z.string(), z.string()).default({}), { description: 'Annotations added to the Secret.' }),
  onRevoke: field(z.enum(['Empty', 'Delete']).default('Empty'), {
    description: 'What happens to the Secret once the token is revoked: Empty keeps it with the token key emptied; Delete removes it.',
  }),
});

/** lifetimeSchema is how long an issued token lives: a rolling ttl or a fixed time. */
export const lifetimeSchema = admit(z.strictObject({
  ttl: field(durationSchema.optional(), { description: 'Lifetime of each issued token, e.g. 720h; rotation renews before it ends.', example: '720h' }),
  expiresAt: field(z.iso.datetime({ offset: true, message: 'must be an RFC 3339 time such as 2026-12-01T00:00:00Z' }).optional(), {
    description: 'A fixed expiry time for the token.',
  }),
}).superRefine((lifetime, ctx) => {
  if ((lifetime.ttl === undefined) === (lifetime.expiresAt === undefined)) {
    ctx.addIssue({ code: 'custom', path: [], message: 'must set exactly one of ttl or expiresAt' });
  }
}), [{ rule: 'has(self.ttl) != has(self.expiresAt)', message: 'must set exactly one of ttl or expiresAt' }]);

/** rotationSchema says when a token is renewed and how long the previous one stays valid. */
export const rotationSchema = z.strictObject({
  renewBefore: field(durationSchema.optional(), {
    description: 'Issue the next token this long before the current one expires. Defaults to a third of the lifetime.',
    example: '240h',
  }),
  overlap: field(durationSchema.default('10m'), {
    description: 'How long the previous token stays valid after the new one is published, so running consumers can pick it up.',
  }),
});

/** connectionRefSchema names the platform connection a token uses (Kubernetes only). */
export const connectionRefSchema = z.strictObject({
  kind: field(z.enum(['PlatformConnection', 'ClusterPlatformConnection']).default('PlatformConnection'), {
    description: 'PlatformConnection in the token\'s namespace, or a cluster-scoped ClusterPlatformConnection.',
  }),
  name: field(z.string().max(253).regex(dnsSubdomain, { message: 'must be a valid Kubernetes object name' }), { description: 'Name of the connection.' }),
});

/** storefrontTokenSpecSchema is the desired state of one StorefrontToken. */
export const storefrontTokenSpecSchema = z.strictObject({
  // A copy: the connection schema describes the same enum in its own words,
  // and a registry holds one description per schema instance.
  platform: field(platformSchema.clone(), { description: 'Platform that issues the token: bigcommerce, cloudflare, wizcommerce or avvyr.', change: 'immutable' }),
  connectionRef: field(connectionRefSchema.optional(), {
    description: 'Connection (platform, base URL, credentials) used to manage the token.',
    surfaces: ['kubernetes'],
    requiredOn: ['kubernetes'],
  }),
  displayName: field(z.string().min(1).max(100).optional(), {
    description: 'Name shown in the platform\'s console, where it has one; defaults to the resource name.',
    change: 'inPlace',
    platforms: ['cloudflare', 'avvyr'],
  }),
  bigcommerce: field(bigcommerceSpecSchema.optional(), { description: 'BigCommerce settings; required when platform is bigcommerce.', platforms: ['bigcommerce'] }),
  cloudflare: field(cloudflareSpecSchema.optional(), { description: 'Cloudflare settings; required when platform is cloudflare.', platforms: ['cloudflare'] }),
  wizcommerce: field(wizcommerceSpecSchema.optional(), { description: 'WizCommerce settings; required when platform is wizcommerce.', platforms: ['wizcommerce'] }),
  avvyr: field(avvyrSpecSchema.optional(), { description: 'Avvyr settings; required when platform is avvyr.', platforms: ['avvyr'] }),
  lifetime: field(lifetimeSchema.optional(), { description: 'How long each issued token lives (ttl or a fixed expiresAt).' }),
  rotation: field(rotationSchema.optional(), { description: 'Renewal before expiry, with an overlap in which the previous token stays valid.' }),
  revoked: field(z.boolean().default(false), {
    description: 'Set to true to revoke the token at the platform. One way: it can never be set back to false, and a revoked token is never reissued.',
    oneWay: true,
  }),
  deletionPolicy: field(z.enum(['Revoke', 'Orphan']).default('Revoke'), {
    description: 'On deletion, Revoke revokes the token at the platform; Orphan leaves it valid.',
  }),
  secret: field(secretSpecSchema, { description: 'The Kubernetes Secret that receives the issued token.' }),
});

/** StorefrontTokenSpecInput is the spec as a user writes it (defaults optional). */
export type StorefrontTokenSpecInput = z.input<typeof storefrontTokenSpecSchema>;
/** StorefrontTokenSpec is the spec after parsing, with defaults filled in. */
export type StorefrontTokenSpec = z.output<typeof storefrontTokenSpecSchema>;
