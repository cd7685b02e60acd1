import type { Capabilities } from '../contract/capabilities.js';
import { parseDuration } from '../schema/duration.js';
import type { StorefrontTokenSpec } from '../schema/storefront-token.js';

/** A Schedule is when a token issued now expires and when it should be renewed. */
export interface Schedule {
  /** expiresAt is the expiry to request, or the platform's fixed one; undefined if it never expires. */
  readonly expiresAt?: Date;
  /** renewBeforeMs is how long before expiry the next token is issued. */
  readonly renewBeforeMs?: number;
  /** overlapMs is how long the previous token stays valid after the new one is published. */
  readonly overlapMs: number;
}

/**
 * scheduleFor works out a new token's expiry and renewal. Tokens that expire
 * are renewed by default a third of their lifetime early (cert-manager's
 * default), so nobody discovers an expiry in production.
 */
export function scheduleFor(spec: StorefrontTokenSpec, caps: Capabilities, now: Date): Schedule {
  const overlapMs = (parseDuration(spec.rotation?.overlap ?? '10m') ?? 600) * 1000;
  const lifetime = resolveLifetimeSeconds(spec, caps, now);
  if (lifetime === undefined) return { overlapMs };
  const expiresAt = spec.lifetime?.expiresAt !== undefined ? new Date(spec.lifetime.expiresAt) : new Date(now.getTime() + lifetime * 1000);
  const renewBefore = spec.rotation?.renewBefore === undefined ? lifetime / 3 : parseDuration(spec.rotation.renewBefore) ?? lifetime / 3;
  return { expiresAt, renewBeforeMs: renewBefore * 1000, overlapMs };
}

/** renewAt is when a token expiring at expiresAt should be replaced. */
export function renewAt(expiresAt: Date | undefined, schedule: Schedule): Date | undefined {
  if (expiresAt === undefined || schedule.renewBeforeMs === undefined) return undefined;
  return new Date(expiresAt.getTime() - schedule.renewBeforeMs);
}

/**
 * resolveLifetimeSeconds is how long a token issued now would live, or
 * undefined when it never expires.
 */
export function resolveLifetimeSeconds(spec: StorefrontTokenSpec, caps: Capabilities, now: Date): number | undefined {
  if (caps.expiry === 'fixed') return caps.fixedLifetimeSeconds;
  if (caps.expiry === 'none' || spec.lifetime === undefined) return undefined;
  if (spec.lifetime.ttl !== undefined) return parseDuration(spec.lifetime.ttl);
  if (spec.lifetime.expiresAt !== undefined) return Math.max(0, (Date.parse(spec.lifetime.expiresAt) - now.getTime()) / 1000);
  return undefined;
}
