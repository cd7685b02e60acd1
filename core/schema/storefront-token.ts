import { z } from 'zod';
import { platforms } from '../platforms/registry.js';
import { admit } from './admission.js';
import { durationSchema } from './duration.js';
import { field } from './meta.js';
import { platformNames, platformSchema, type PlatformName } from './platform.js';
import { rolloutTargetsSchema } from './rollout-target.js';
import { secretSpecSchema } from './secret-spec.js';

// The StorefrontToken spec: one declaration per field, each with the metadata
// the CRD, Terraform schema and docs generators read. Platform blocks hold the
// token's scope and platform-only settings; the common part holds lifetime,
// rotation, revocation and delivery.

const dnsSubdomain = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

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

/** weekdays are the days a renewal window names, in UTC. */
export const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** renewalWindowSchema is a weekly time span (UTC) in which routine renewals may happen. */
export const renewalWindowSchema = z.strictObject({
  days: field(z.array(z.enum(weekdays)).min(1).max(7).optional(), {
    description: 'Weekdays (UTC) on which the window opens: Mon, Tue, Wed, Thu, Fri, Sat, Sun. Every day when omitted.',
  }),
  startHour: field(z.number().int().min(0).max(23), { description: 'Hour (UTC, 0-23) at which the window opens.' }),
  endHour: field(z.number().int().min(0).max(24), {
    description: 'Hour (UTC, 0-24) at which the window closes; at or before startHour, it closes that hour the next day.',
  }),
});

/** rotationSchema says when a token is renewed and how long the previous one stays valid. */
export const rotationSchema = z.strictObject({
  renewBefore: field(durationSchema.optional(), {
    description: 'Issue the next token this long before the current one expires. Defaults to a third of the lifetime.',
    example: '240h',
  }),
  overlap: field(durationSchema.default('10m'), {
    description: 'How long the previous token stays valid after the new one is published, so running consumers can pick it up.',
  }),
  windows: field(z.array(renewalWindowSchema).min(1).max(14).optional(), {
    description: 'Renewal windows (UTC): routine renewals wait for the next window; once less than half of renewBefore remains before expiry, the token is renewed at once, window or not. Renew-now requests, repairs and changes never wait.',
  }),
});

/** connectionRefSchema names the platform connection a token uses (Kubernetes only). */
export const connectionRefSchema = z.strictObject({
  kind: field(z.enum(['PlatformConnection', 'ClusterPlatformConnection']).default('PlatformConnection'), {
    description: 'PlatformConnection in the token\'s namespace, or a cluster-scoped ClusterPlatformConnection.',
  }),
  name: field(z.string().max(253).regex(dnsSubdomain, { message: 'must be a valid Kubernetes object name' }), { description: 'Name of the connection.' }),
});

// Each platform's block comes from its folder through the registry, so a
// new platform adds its block without touching this file.
type PlatformBlocks = { readonly [K in PlatformName]: z.ZodOptional<(typeof platforms)[K]['spec']> };
const platformBlocks = Object.fromEntries(
  platformNames.map((name) => [name, field(platforms[name].spec.optional(), { description: platforms[name].description, platforms: [name] })]),
) as unknown as PlatformBlocks;

// Tokens have a display name where the platform gives them one.
const named = platformNames.filter((name) => platforms[name].adapter.capabilities.nameMaxLength !== undefined);

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
    platforms: named,
  }),
  ...platformBlocks,
  lifetime: field(lifetimeSchema.optional(), { description: 'How long each issued token lives (ttl or a fixed expiresAt).' }),
  rotation: field(rotationSchema.optional(), { description: 'Renewal before expiry, with an overlap in which the previous token stays valid.' }),
  rolloutRestartTargets: field(rolloutTargetsSchema.optional(), {
    description: 'Deployments, StatefulSets and DaemonSets in the token\'s namespace that read the token. After a new token is published their pods are restarted once (pod template annotation), and the previous token is revoked as soon as every target has rolled out, or when rotation.overlap ends, whichever is first.',
    surfaces: ['kubernetes'],
  }),
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
