import { z } from 'zod';

/**
 * AdmissionReason is how the API server reports a failed rule: Invalid
 * (the default), Required or Forbidden. (Duplicate is left out: the API
 * server drops the message for it.)
 */
export type AdmissionReason = 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueForbidden';

/**
 * An AdmissionRule is one CEL rule (`x-kubernetes-validations`) the CRD
 * carries for a zod check that OpenAPI cannot express, so the API server
 * refuses at apply time what validateSpec would refuse later. It is declared
 * beside the zod check it mirrors; the admission test runs both on the same
 * inputs.
 */
export interface AdmissionRule {
  /** rule is the CEL expression; `self` is the value of the schema node it is attached to. */
  readonly rule: string;
  /** message is shown when the rule fails (unless messageExpression is set). */
  readonly message?: string;
  /** messageExpression is CEL that builds the message, to name the value or pick the reason. */
  readonly messageExpression?: string;
  /** fieldPath is the field the error is reported on, relative to the node, e.g. `.marketId`. */
  readonly fieldPath?: string;
  /** reason is how the API server classifies the error. */
  readonly reason?: AdmissionReason;
}

/** admissionRules is the registry that maps schema nodes to their CEL rules. */
export const admissionRules = z.registry<{ readonly rules: readonly AdmissionRule[] }>();

/**
 * admit attaches CEL rules to a schema node and returns it, so a zod check
 * and its CEL twin are written in one place.
 */
export function admit<T extends z.ZodType>(schema: T, rules: readonly AdmissionRule[]): T {
  admissionRules.add(schema, { rules });
  return schema;
}

/**
 * celString writes text as a CEL single-quoted string literal, so regular
 * expressions can be shared between zod and CEL from one JavaScript RegExp.
 */
export function celString(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** celList writes strings as a CEL list literal, e.g. `['private', 'storefront']`. */
export function celList(values: readonly string[]): string {
  return `[${values.map(celString).join(', ')}]`;
}
