import { z } from 'zod';
import type { PlatformName } from './platform.js';

/**
 * ChangePolicy says what a change to a field means at the platform:
 * - `immutable`: the field names the token's scope; it cannot change
 *   (a CEL transition rule in the CRD, RequiresReplace in Terraform);
 * - `inPlace`: the platform can update it on the existing token;
 * - `rotate`: the platform bakes it into the token, so a new token is issued,
 *   published, and the old one revoked after the overlap;
 * - `local`: only our side changes (the Secret, the lifetime schedule).
 */
export type ChangePolicy = 'immutable' | 'inPlace' | 'rotate' | 'local';

/** Surface names a front end a field is exposed on. */
export type Surface = 'kubernetes' | 'terraform';

/**
 * FieldMeta is what the generators and the decision functions know about a
 * field beyond its type. The zod schema is the single source of truth; this
 * metadata sits beside it in a registry so the CRD, the Terraform schema and
 * the docs are all generated from the same place.
 */
export interface FieldMeta {
  /** description is the user-facing text for CRD, Terraform and docs. */
  readonly description: string;
  /** change is what a change to this field means; defaults to `local`. */
  readonly change?: ChangePolicy;
  /** sensitive fields are never shown (Terraform Sensitive, never in status). */
  readonly sensitive?: boolean;
  /** computed fields are set by the system, never by the user. */
  readonly computed?: boolean;
  /** oneWay booleans may go from false to true and never back. */
  readonly oneWay?: boolean;
  /** platforms lists where the field applies; absent means every platform. */
  readonly platforms?: readonly PlatformName[];
  /** surfaces lists the front ends that expose the field; absent means both. */
  readonly surfaces?: readonly Surface[];
  /** requiredOn lists the front ends on which an optional field must be set (the CRD marks it required there). */
  readonly requiredOn?: readonly Surface[];
  /** emptyWarning, for array fields, is the warning raised when the array is empty. */
  readonly emptyWarning?: string;
  /** example is shown in generated docs. */
  readonly example?: string;
}

/** fieldMeta is the registry that maps schema nodes to their FieldMeta. */
export const fieldMeta = z.registry<FieldMeta>();

/**
 * field attaches metadata to a schema node and returns it, so schema modules
 * read as one declaration per field.
 */
export function field<T extends z.ZodType>(schema: T, meta: FieldMeta): T {
  fieldMeta.add(schema, meta);
  return schema;
}

/**
 * requirement turns a field description into the reason it is required, for
 * messages such as "is required on kubernetes: connection (…) used to manage
 * the token": lower-case start, no full stop.
 */
export function requirement(description: string): string {
  return `${description.charAt(0).toLowerCase()}${description.slice(1)}`.replace(/\.$/, '');
}
