import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import type { Capabilities } from '../contract/capabilities.js';
import { platforms } from '../platforms/registry.js';
import { resolveLifetimeSeconds } from '../reconcile/schedule.js';
import { formatDuration, parseDuration } from './duration.js';
import { lifetimeDemand, rotationMessages } from './expiry.js';
import { requirement, type Surface } from './meta.js';
import { formatIssues } from './secret-format.js';
import type { PlatformName } from './platform.js';
import { storefrontTokenSpecSchema, type StorefrontTokenSpec } from './storefront-token.js';
import { getAt, walkFields } from './walk.js';

/** A ValidationIssue is one problem with the user's input: where, and why. */
export interface ValidationIssue {
  /** path is the field path from the spec root, e.g. ['bigcommerce', 'allowedCorsOrigins', 2]. */
  readonly path: readonly (string | number)[];
  /** message says what is wrong in the user's terms. */
  readonly message: string;
}

/** ValidateOptions is the context validation needs beyond the input itself. */
export interface ValidateOptions {
  /** surface is the front end the spec came from; some fields exist on one only. */
  readonly surface: Surface;
  /** now is the current time, for expiries in the past. */
  readonly now: Date;
  /** capabilitiesOf returns a platform's declared capabilities. */
  readonly capabilitiesOf: (platform: PlatformName) => Capabilities;
}

/** A ValidationResult is a parsed spec with warnings, or the list of issues. */
export type ValidationResult =
  | { readonly ok: true; readonly spec: StorefrontTokenSpec; readonly warnings: readonly ValidationIssue[] }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

/**
 * validateSpec checks a StorefrontToken spec completely before any network
 * call: shape and formats (zod), then the rules that span fields and depend
 * on the platform's declared capabilities. Every issue names its field.
 */
export function validateSpec(input: unknown, options: ValidateOptions): ValidationResult {
  const parsed = storefrontTokenSpecSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: fromZod(parsed.error) };
  const spec = parsed.data;
  const issues = [
    ...applicability(spec, options.surface),
    ...platformBlock(spec),
    ...lifetimeRules(spec, options),
    ...formatIssues(spec.platform, spec.secret),
  ];
  return issues.length > 0 ? { ok: false, issues } : { ok: true, spec, warnings: warnings(spec) };
}

/**
 * validateTransition checks a change from one accepted spec to the next:
 * fields that name the token's scope never change, and one-way flags never
 * go back. The CRD enforces the same rules with CEL; Terraform plans a
 * replacement for immutable fields instead, so it calls this for oneWay only.
 */
export function validateTransition(previous: StorefrontTokenSpec, next: StorefrontTokenSpec, options: { readonly immutable: boolean }): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  walkFields(storefrontTokenSpecSchema, ({ path, meta }) => {
    const before = getAt(previous, path);
    const after = getAt(next, path);
    if (meta?.oneWay === true && before === true && after !== true) {
      issues.push({ path, message: 'cannot be set back to false: revocation is permanent; create a new token instead' });
    }
    if (options.immutable && meta?.change === 'immutable' && before !== undefined && !isDeepStrictEqual(before, after)) {
      issues.push({ path, message: `cannot change from ${JSON.stringify(before)} to ${JSON.stringify(after)}: it names the token's scope; create a new token instead` });
    }
  });
  return issues;
}

/** formatPath writes a field path the way users read it: `spec.secret.keys.token`, `policies[0]`. */
export function formatPath(path: readonly (string | number)[], root = 'spec'): string {
  return path.reduce<string>((out, step) => (typeof step === 'number' ? `${out}[${step}]` : `${out}.${step}`), root);
}

function fromZod(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.filter((p) => typeof p !== 'symbol'), message: humanize(issue) }));
}

function humanize(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  if (issue.code === 'unrecognized_keys') return `has unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  return issue.message;
}

// Fields whose metadata lists platforms apply only to those; setting one for
// another platform is a mistake the user should hear about, not a silent no-op.
function applicability(spec: StorefrontTokenSpec, surface: Surface): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  walkFields(storefrontTokenSpecSchema, ({ path, meta }) => {
    if (meta === undefined) return;
    const value = getAt(spec, path);
    // An optional field this front end needs, e.g. the operator's connectionRef.
    if (value === undefined && meta.requiredOn?.includes(surface) === true && getAt(spec, path.slice(0, -1)) !== undefined) {
      issues.push({ path, message: `is required on ${surface}: ${requirement(meta.description)}` });
    }
    if (value === undefined) return;
    if (meta.platforms !== undefined && !meta.platforms.includes(spec.platform)) {
      issues.push({ path, message: `does not apply to ${spec.platform} tokens (only ${meta.platforms.join(', ')})` });
    }
    if (meta.surfaces !== undefined && !meta.surfaces.includes(surface)) {
      issues.push({ path, message: `is not available on ${surface} (only ${meta.surfaces.join(', ')})` });
    }
  });
  return issues;
}

function platformBlock(spec: StorefrontTokenSpec): ValidationIssue[] {
  if (spec[spec.platform] !== undefined) return [];
  return [{ path: [spec.platform], message: `is required when platform is ${spec.platform}` }];
}

function lifetimeRules(spec: StorefrontTokenSpec, options: ValidateOptions): ValidationIssue[] {
  const caps = options.capabilitiesOf(spec.platform);
  const issues: ValidationIssue[] = [];
  const lifetimeSeconds = resolveLifetimeSeconds(spec, caps, options.now);
  const demand = lifetimeDemand(spec.platform, caps);
  if ((spec.lifetime === undefined && demand.lifetime === 'required') || (spec.lifetime !== undefined && demand.lifetime === 'forbidden')) {
    issues.push({ path: ['lifetime'], message: demand.message });
  }
  if (spec.lifetime?.expiresAt !== undefined && Date.parse(spec.lifetime.expiresAt) <= options.now.getTime()) {
    issues.push({ path: ['lifetime', 'expiresAt'], message: `is in the past (${spec.lifetime.expiresAt})` });
  }
  issues.push(...(platforms[spec.platform].checks?.(spec, options.now) ?? []));
  if (spec.rotation !== undefined) issues.push(...rotationRules(spec, lifetimeSeconds));
  return issues;
}

function rotationRules(spec: StorefrontTokenSpec, lifetimeSeconds: number | undefined): ValidationIssue[] {
  const rotation = spec.rotation;
  if (rotation === undefined) return [];
  if (lifetimeSeconds === undefined) {
    return [{ path: ['rotation'], message: rotationMessages.needsExpiry }];
  }
  const issues: ValidationIssue[] = [];
  const renewBefore = rotation.renewBefore === undefined ? lifetimeSeconds / 3 : parseDuration(rotation.renewBefore) ?? 0;
  const overlap = parseDuration(rotation.overlap) ?? 0;
  if (renewBefore >= lifetimeSeconds) {
    issues.push({ path: ['rotation', 'renewBefore'], message: rotationMessages.renewBefore(rotation.renewBefore ?? formatDuration(renewBefore), spec.lifetime?.ttl ?? formatDuration(lifetimeSeconds)) });
  }
  if (overlap > renewBefore) {
    issues.push({ path: ['rotation', 'overlap'], message: rotationMessages.overlap });
  }
  return issues;
}

// Warnings come from the data: any array field whose description marks empty
// as "allows every origin" is flagged when empty.
function warnings(spec: StorefrontTokenSpec): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  walkFields(storefrontTokenSpecSchema, ({ path, meta }) => {
    const value = getAt(spec, path);
    if (meta?.emptyWarning !== undefined && Array.isArray(value) && value.length === 0 && getAt(spec, path.slice(0, -1)) !== undefined) {
      out.push({ path, message: meta.emptyWarning });
    }
  });
  return out;
}

