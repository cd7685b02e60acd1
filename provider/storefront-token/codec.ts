import type { z } from 'zod';
import { storefrontTokenSpecSchema } from '../../core/schema/storefront-token.js';
import type { FieldMeta } from '../../core/schema/meta.js';
import { objectShape, unwrap } from '../../core/schema/walk.js';
import type { CtyType } from '../framework/schema.js';

// The Terraform shape of the StorefrontToken spec, derived once from the zod
// schema. Schema generation, config→spec conversion, default filling and
// issue-path mapping all walk this one tree, so they cannot disagree about
// which attribute is which field.

/** FieldKind is how a spec field is represented as a Terraform value. */
export type FieldKind =
  | { readonly kind: 'primitive'; readonly type: CtyType }
  | { readonly kind: 'object'; readonly children: readonly FieldCodec[] }
  | { readonly kind: 'objectList'; readonly children: readonly FieldCodec[] };

/** A FieldCodec is one spec field as a Terraform attribute. */
export type FieldCodec = FieldKind & {
  /** attribute is the snake_case attribute name. */
  readonly attribute: string;
  /** field is the camelCase spec field name. */
  readonly field: string;
  /** required: zod requires it (no optional, no default). */
  readonly required: boolean;
  /** defaultValue is zod's default, in spec (camelCase) form, when it has one. */
  readonly defaultValue?: unknown;
  /** meta is the field's registered metadata. */
  readonly meta: FieldMeta | undefined;
};

/** snakeCase turns a spec field name into its attribute name: allowedCorsOrigins → allowed_cors_origins. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * codecsOf derives the field codecs of an object schema, leaving out fields
 * whose metadata does not list the terraform surface (connectionRef).
 */
export function codecsOf(schema: z.ZodType): FieldCodec[] {
  const shape = objectShape(unwrap(schema).inner) ?? {};
  const out: FieldCodec[] = [];
  for (const [field, declared] of Object.entries(shape)) {
    const { inner, meta } = unwrap(declared);
    if (meta?.surfaces !== undefined && !meta.surfaces.includes('terraform')) continue;
    const base = { attribute: snakeCase(field), field, required: isRequired(declared), meta };
    const defaultValue = defaultOf(declared);
    out.push({ ...base, ...(defaultValue === undefined ? {} : { defaultValue }), ...kindOf(inner, field) });
  }
  return out;
}

function kindOf(inner: z.ZodType, field: string): FieldKind {
  const def = inner._zod.def as { type: string; element?: z.ZodType; valueType?: z.ZodType };
  if (def.type === 'object') return { kind: 'object', children: codecsOf(inner) };
  if (def.type === 'array' && def.element !== undefined) {
    const element = unwrap(def.element).inner;
    if ((element._zod.def as { type: string }).type === 'object') return { kind: 'objectList', children: codecsOf(element) };
    return { kind: 'primitive', type: ['list', primitiveType(element, field)] };
  }
  if (def.type === 'record' && def.valueType !== undefined) return { kind: 'primitive', type: ['map', primitiveType(def.valueType, field)] };
  return { kind: 'primitive', type: primitiveType(inner, field) };
}

function primitiveType(schema: z.ZodType, field: string): CtyType {
  const type = (unwrap(schema).inner._zod.def as { type: string }).type;
  if (type === 'string' || type === 'enum') return 'string';
  if (type === 'number') return 'number';
  if (type === 'boolean') return 'bool';
  // A new zod construct must be mapped here deliberately, not guessed.
  throw new Error(`spec field ${field} has zod type ${type}, which has no Terraform mapping yet`);
}

function isRequired(schema: z.ZodType): boolean {
  const type = (schema._zod.def as { type: string }).type;
  return type !== 'optional' && type !== 'default' && type !== 'prefault';
}

function defaultOf(schema: z.ZodType): unknown {
  let current = schema;
  for (;;) {
    const def = current._zod.def as { type: string; innerType?: z.ZodType; defaultValue?: unknown };
    if (def.type === 'default') return structuredClone(def.defaultValue);
    if ((def.type === 'optional' || def.type === 'nullable') && def.innerType !== undefined) {
      current = def.innerType;
      continue;
    }
    return undefined;
  }
}

/** specCodecs is the StorefrontToken spec as Terraform attributes. */
export const specCodecs: readonly FieldCodec[] = codecsOf(storefrontTokenSpecSchema);
