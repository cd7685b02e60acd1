import type { z } from 'zod';
import type { StorefrontTokenSpec } from '../schema/storefront-token.js';
import type { ValidationIssue } from '../schema/validate.js';
import type { PlatformAdapter } from './adapter.js';

/**
 * A Platform is everything the core knows about one platform, kept in that
 * platform's folder and registered with one line in core/platforms/registry.ts:
 * its block of StorefrontToken.spec (the zod schema every generator reads),
 * the rules that span that block and the common fields, and the adapter
 * with its declared capabilities. Shared code reads these, never a name.
 */
export interface Platform<S extends z.ZodType = z.ZodType> {
  /** spec is the zod schema of the platform's block, e.g. spec.bigcommerce. */
  readonly spec: S;
  /** description is the block's description in the CRD, the Terraform schema and the docs. */
  readonly description: string;
  /** checks are rules over the whole spec that involve the block, run before any platform call. */
  readonly checks?: (spec: StorefrontTokenSpec, now: Date) => ValidationIssue[];
  readonly adapter: PlatformAdapter;
}
