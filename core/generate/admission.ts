import { z } from 'zod';
import type { AdmissionRule } from '../schema/admission.js';
import { requirement } from '../schema/meta.js';
import { propertiesOf, type JsonSchema } from './json-schema.js';

// Why this file exists: kube-apiserver (apiextensions-apiserver 1.34,
// customresource strategy `hasBlockingErr`) skips every CEL rule of an
// object when schema validation reported an error of type Required,
// NotSupported (enum), TooLong (maxLength), TooMany (maxItems) or
// TypeInvalid, and then appends "<nil>: Invalid value: null: some validation
// rules were not checked because the object was invalid". No has() guard
// avoids that: only the kind of error does. Pattern, format, minimum and
// minItems/minLength errors (Invalid) and CEL errors do not block. So the
// CRD states required fields, enums and limits as CEL rules, and a person
// sees the one real error; only a wrong type still blocks.

/**
 * BOUND_FACTOR sets how far above a limit the OpenAPI maxItems/maxLength
 * stays as a cost bound: CEL rules need bounded sizes to be estimated
 * cheaply, and a bound well above the limit means a person who exceeds
 * the limit meets the CEL rule (one clear message), not the bound.
 */
export const BOUND_FACTOR = 4;

type Rules = JsonSchema[];

function rulesOf(node: JsonSchema): Rules {
  return (node['x-kubernetes-validations'] ??= []) as Rules;
}

// The message zod gives when the limit is exceeded, so both sides say the
// same thing (e.g. BigCommerce's two origins).
function tooBigMessage(schema: z.core.$ZodType, input: unknown): string | undefined {
  const result = z.safeParse(schema, input);
  return result.error?.issues.find((i) => i.code === 'too_big' && i.path.length === 0)?.message;
}

function ownsMaxCheck(schema: z.core.$ZodType): boolean {
  const checks = (schema._zod.def as { checks?: readonly { _zod: { def: { check: string } } }[] }).checks ?? [];
  return checks.some((c) => c._zod.def.check === 'max_length');
}

/**
 * limitsAsRules runs as a toJSONSchema override on the node that owns a zod
 * max check: the limit becomes a CEL size rule with zod's message, and the
 * OpenAPI keyword becomes the cost bound.
 */
export function limitsAsRules(schema: z.core.$ZodType, json: JsonSchema): void {
  if (!ownsMaxCheck(schema)) return;
  for (const [keyword, sample] of [['maxItems', (n: number) => new Array<null>(n + 1).fill(null)], ['maxLength', (n: number) => 'x'.repeat(n + 1)]] as const) {
    const limit = json[keyword];
    if (typeof limit !== 'number') continue;
    const message = tooBigMessage(schema, sample(limit)) ?? `must have at most ${limit} ${keyword === 'maxItems' ? 'items' : 'characters'}`;
    json['x-kubernetes-validations'] = [{ rule: `self.size() <= ${limit}`, message }, ...((json['x-kubernetes-validations'] as Rules | undefined) ?? [])];
    json[keyword] = limit * BOUND_FACTOR;
  }
}

/**
 * nonBlocking rewrites `required` and `enum` in a structural schema (spec
 * only: status is written by the operator) into CEL rules placed first on
 * their node, with has() so they never fail on absent fields.
 */
export function nonBlocking(node: JsonSchema): JsonSchema {
  const converted: AdmissionRule[] = [];
  if (Array.isArray(node.required)) {
    for (const name of node.required as string[]) {
      const description = propertiesOf(node)?.[name]?.description;
      const message = typeof description === 'string' ? requirement(description) : 'must be set';
      converted.push({ rule: `has(self.${name})`, message, fieldPath: `.${name}`, reason: 'FieldValueRequired' });
    }
    delete node.required;
  }
  if (Array.isArray(node.enum)) {
    const values = node.enum as string[];
    converted.push({ rule: `self in [${values.map((v) => JSON.stringify(v)).join(', ')}]`, message: `must be one of ${values.join(', ')}` });
    delete node.enum;
    // The comparison's cost bound, as for limits: far above any choice.
    node.maxLength ??= Math.max(...values.map((v) => v.length)) * BOUND_FACTOR;
  }
  if (converted.length > 0) node['x-kubernetes-validations'] = [...converted, ...((node['x-kubernetes-validations'] as Rules | undefined) ?? [])];
  for (const child of Object.values(propertiesOf(node) ?? {})) nonBlocking(child);
  const items = node.items;
  if (typeof items === 'object' && items !== null && !Array.isArray(items)) nonBlocking(items as JsonSchema);
  return node;
}

/** addRules appends CEL rules to a node, keeping any it already has. */
export function addRules(node: JsonSchema, rules: readonly AdmissionRule[]): void {
  rulesOf(node).push(...rules.map((r) => ({ ...r })));
}
