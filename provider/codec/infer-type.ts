import type { CtyType } from '../framework/schema.js';
import { isObjectValue, isUnknown } from '../framework/value.js';
import type { Value } from '../framework/value.js';

/**
 * inferType picks the cty type of a known value stored in a `dynamic`
 * attribute: arrays become tuples and objects become objects, which is how
 * Terraform itself types literal HCL values.
 */
export function inferType(value: Value): CtyType {
  if (isUnknown(value) || value === null) return 'dynamic';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number' || typeof value === 'bigint') return 'number';
  if (Array.isArray(value)) return ['tuple', (value as readonly Value[]).map(inferType)];
  if (isObjectValue(value)) {
    return ['object', Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inferType(v)]))];
  }
  return 'dynamic';
}
