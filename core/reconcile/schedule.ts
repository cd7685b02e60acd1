import { createHash } from 'node:crypto';
import type { Capabilities } from '../contract/capabilities.js';
import { parseDuration } from '../schema/duration.js';
import { weekdays, type StorefrontTokenSpec } from '../schema/storefront-token.js';

/** A RenewalWindow is a weekly span (UTC hours) in which routine renewals may happen. */
export interface RenewalWindow {
  readonly days?: readonly (typeof weekdays)[number][] | undefined;
  readonly startHour: number;
  readonly endHour: number;
}

/** A Schedule is when a token issued now expires and when it should be renewed. */
export interface Schedule {
  /** expiresAt is the expiry to request, or the platform's fixed one; undefined if it never expires. */
  readonly expiresAt?: Date;
  /** renewBeforeMs is how long before expiry the next token is issued. */
  readonly renewBeforeMs?: number;
  /** overlapMs is how long the previous token stays valid after the new one is published. */
  readonly overlapMs: number;
  /** windows are when routine renewals may happen; any time when absent. */
  readonly windows?: readonly RenewalWindow[];
}

/**
 * scheduleFor works out a new token's expiry and renewal. Tokens that expire
 * are renewed by default a third of their lifetime early (cert-manager's
 * default), so nobody discovers an expiry in production.
 */
export function scheduleFor(spec: StorefrontTokenSpec, caps: Capabilities, now: Date): Schedule {
  const overlapMs = (parseDuration(spec.rotation?.overlap ?? '10m') ?? 600) * 1000;
  const windows = spec.rotation?.windows === undefined ? {} : { windows: spec.rotation.windows };
  const lifetime = resolveLifetimeSeconds(spec, caps, now);
  if (lifetime === undefined) return { overlapMs, ...windows };
  const expiresAt = spec.lifetime?.expiresAt !== undefined ? new Date(spec.lifetime.expiresAt) : new Date(now.getTime() + lifetime * 1000);
  const renewBefore = spec.rotation?.renewBefore === undefined ? lifetime / 3 : parseDuration(spec.rotation.renewBefore) ?? lifetime / 3;
  return { expiresAt, renewBeforeMs: renewBefore * 1000, overlapMs, ...windows };
}

/** JITTER_FRACTION is how much of the renew-before window renewals are spread over. */
export const JITTER_FRACTION = 0.1;

/**
 * renewAt is when a token expiring at expiresAt should be replaced: the start
 * of its renew-before window, moved later by a jitter of up to a tenth of the
 * window that is fixed by the token's identity (its fingerprint). Tokens
 * issued together so renew spread out, never in one burst against the
 * platform's rate limit, and every run (operator, plan, apply) agrees on
 * the time. It never moves renewal earlier, so a renewal is never due
 * before the window opens.
 */
export function renewAt(expiresAt: Date | undefined, schedule: Schedule, identity: string): Date | undefined {
  if (expiresAt === undefined || schedule.renewBeforeMs === undefined) return undefined;
  const due = expiresAt.getTime() - schedule.renewBeforeMs + Math.floor(jitterOf(identity) * schedule.renewBeforeMs * JITTER_FRACTION);
  if (schedule.windows === undefined || schedule.windows.length === 0) return new Date(due);
  // Outside the windows a renewal waits for the next one, but never past the
  // point where only half the renew-before window remains: then it is urgent.
  const urgent = Math.max(due, expiresAt.getTime() - schedule.renewBeforeMs / 2);
  return new Date(Math.min(nextOpen(due, schedule.windows) ?? urgent, urgent));
}

const HourMs = 3_600_000;

/** inWindow tells whether a time (ms) falls inside any of the windows. */
export function inWindow(t: number, windows: readonly RenewalWindow[]): boolean {
  const at = new Date(t);
  const hour = at.getUTCHours();
  const today = weekdays[at.getUTCDay()] ?? 'Sun';
  const yesterday = weekdays[(at.getUTCDay() + 6) % 7] ?? 'Sat';
  const on = (w: RenewalWindow, day: string): boolean => w.days === undefined || w.days.some((d) => d === day);
  return windows.some((w) => w.startHour < w.endHour
    ? on(w, today) && hour >= w.startHour && hour < w.endHour
    : (on(w, today) && hour >= w.startHour) || (on(w, yesterday) && hour < w.endHour));
}

/** nextOpen is the first time at or after t (ms) inside a window, within eight days. */
export function nextOpen(t: number, windows: readonly RenewalWindow[]): number | undefined {
  if (inWindow(t, windows)) return t;
  for (let h = Math.ceil(t / HourMs) * HourMs; h <= t + 8 * 24 * HourMs; h += HourMs) if (inWindow(h, windows)) return h;
  return undefined;
}

/** jitterOf maps an identity to a fixed fraction in [0, 1). */
export function jitterOf(identity: string): number {
  return createHash('sha256').update(identity).digest().readUInt32BE(0) / 0x1_0000_0000;
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
