import type { z } from 'zod';
import type { AdmissionRule } from '../schema/admission.js';
import { platformConnectionSpecSchema } from '../schema/connection.js';
import { storefrontTokenStatusSchema } from '../schema/status.js';
import { storefrontTokenSpecSchema } from '../schema/storefront-token.js';
import { walkFields } from '../schema/walk.js';
import { addRules, limitsAsRules, nonBlocking } from './admission.js';
import { propertiesOf, toOpenApiSchema, type JsonSchema } from './json-schema.js';
import { specRules } from './spec-rules.js';

/** apiGroup is the API group of every storefront-token custom resource. */
export const apiGroup = 'sftoken.dev';
/** apiVersion is the served and stored version. */
export const apiVersion = 'v1alpha1';

/**
 * generateCrds builds the three CustomResourceDefinitions from the zod
 * schemas and their field metadata: immutable fields get CEL transition rules,
 * one-way flags a rule that forbids going back, the CEL twins of zod checks
 * and the cross-field rules refuse at admission what validateSpec refuses,
 * and required fields, enums and limits are CEL rules too, so one mistake
 * gives one message (see admission.ts). The output is structural (no $ref,
 * no additionalProperties next to properties), so `kubectl explain` works.
 */
export function generateCrds(): JsonSchema[] {
  return [
    crd({
      kind: 'StorefrontToken', plural: 'storefronttokens', shortNames: ['sft'], scope: 'Namespaced',
      spec: specSchema(storefrontTokenSpecSchema, specRules()), status: structural(toOpenApiSchema(storefrontTokenStatusSchema, 'kubernetes')),
      printerColumns: [
        { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
        { name: 'Reason', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].reason', priority: 1 },
        { name: 'Platform', type: 'string', jsonPath: '.spec.platform' },
        { name: 'Secret', type: 'string', jsonPath: '.spec.secret.name' },
        { name: 'Expires', type: 'string', format: 'date-time', jsonPath: '.status.current.expiresAt' },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      ],
    }),
    ...(['PlatformConnection', 'ClusterPlatformConnection'] as const).map((kind) => crd({
      kind, plural: `${kind.toLowerCase()}s`, shortNames: [kind === 'PlatformConnection' ? 'pconn' : 'cpconn'],
      scope: kind === 'PlatformConnection' ? 'Namespaced' : 'Cluster',
      spec: specSchema(platformConnectionSpecSchema, []), status: connectionStatus,
      printerColumns: [
        { name: 'Platform', type: 'string', jsonPath: '.spec.platform' },
        { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      ],
    })),
  ];
}

interface CrdInput {
  readonly kind: string;
  readonly plural: string;
  readonly shortNames: readonly string[];
  readonly scope: 'Namespaced' | 'Cluster';
  readonly spec: JsonSchema;
  readonly status: JsonSchema;
  readonly printerColumns: readonly JsonSchema[];
}

function crd(input: CrdInput): JsonSchema {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${input.plural}.${apiGroup}`, labels: { 'app.kubernetes.io/part-of': 'storefront-token' } },
    spec: {
      group: apiGroup,
      names: { kind: input.kind, listKind: `${input.kind}List`, plural: input.plural, singular: input.kind.toLowerCase(), shortNames: input.shortNames, categories: ['storefront-token'] },
      scope: input.scope,
      versions: [{
        name: apiVersion, served: true, storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: input.printerColumns,
        schema: { openAPIV3Schema: { type: 'object', description: `${input.kind} (generated from the storefront-token zod schema).`, required: ['spec'], properties: {
          apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, spec: input.spec, status: input.status,
        } } },
      }],
    },
  };
}

const connectionStatus: JsonSchema = {
  type: 'object',
  properties: {
    observedGeneration: { type: 'integer', format: 'int64' },
    conditions: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'], items: conditionSchema() },
  },
};

function conditionSchema(): JsonSchema {
  return {
    type: 'object', required: ['type', 'status', 'reason', 'message', 'lastTransitionTime'],
    properties: {
      type: { type: 'string' }, status: { type: 'string', enum: ['True', 'False', 'Unknown'] }, reason: { type: 'string' },
      message: { type: 'string' }, lastTransitionTime: { type: 'string', format: 'date-time' }, observedGeneration: { type: 'integer', format: 'int64' },
    },
  };
}

// The spec as admitted: the schema with its CEL twins and limits as rules,
// the cross-field rules on the root, transition rules, then required and
// enum as rules.
function specSchema(schema: z.ZodType, rules: readonly AdmissionRule[]): JsonSchema {
  const json = structural(toOpenApiSchema(schema, 'kubernetes', { override: limitsAsRules }));
  addRules(json, rules);
  withTransitionRules(json, schema);
  return nonBlocking(json);
}

// Adds CEL rules from field metadata. Rules sit on the parent object so they
// also catch an optional immutable field being added or removed, which a
// rule on the field itself (evaluated only when both sides exist) would miss.
// A required field is guarded too: its absence is reported by its own rule.
function withTransitionRules(json: JsonSchema, schema: z.ZodType): void {
  walkFields(schema, ({ path, meta }) => {
    if (meta === undefined || (meta.change !== 'immutable' && meta.oneWay !== true)) return;
    const name = path.at(-1) ?? '';
    const parent = nodeAt(json, path.slice(0, -1));
    if (parent === undefined) return;
    const required = Array.isArray(parent.required) && parent.required.includes(name);
    const rule = meta.oneWay === true
      ? { rule: `!has(oldSelf.${name}) || !oldSelf.${name} || (has(self.${name}) && self.${name})`, message: `${path.join('.')} cannot be set back to false once true: revocation is permanent`, fieldPath: `.${name}` }
      : required
        ? { rule: `!has(self.${name}) || !has(oldSelf.${name}) || self.${name} == oldSelf.${name}`, message: `${path.join('.')} is immutable: it names the token's scope`, fieldPath: `.${name}` }
        : { rule: `has(self.${name}) == has(oldSelf.${name}) && (!has(self.${name}) || self.${name} == oldSelf.${name})`, message: `${path.join('.')} is immutable: it names the token's scope`, fieldPath: `.${name}` };
    addRules(parent, [rule]);
  });
}

function nodeAt(root: JsonSchema, path: readonly string[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = root;
  for (const step of path) node = propertiesOf(node)?.[step];
  return node;
}

// Kubernetes structural schemas forbid additionalProperties beside
// properties, and zod's safe-integer bounds are noise in a CRD.
function structural(node: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'additionalProperties' && (value === false || node.properties !== undefined)) continue;
    if ((key === 'maximum' && value === Number.MAX_SAFE_INTEGER) || (key === 'minimum' && value === Number.MIN_SAFE_INTEGER)) continue;
    out[key] = transform(value);
  }
  if (out.type === 'integer') out.format ??= 'int64';
  if (!Array.isArray(out.items) && out.type === 'array' && isConditionsLike(out)) {
    out['x-kubernetes-list-type'] = 'map';
    out['x-kubernetes-list-map-keys'] = ['type'];
  }
  return out;
}

function transform(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(transform);
  if (typeof value === 'object' && value !== null) return structural(value as JsonSchema);
  return value;
}

function isConditionsLike(node: JsonSchema): boolean {
  const items = node.items as JsonSchema | undefined;
  const props = propertiesOf(items);
  return props !== undefined && 'lastTransitionTime' in props && 'type' in props;
}
