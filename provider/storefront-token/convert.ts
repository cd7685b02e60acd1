import type { AttributePath, PathStep } from '../framework/diagnostic.js';
import { isObjectValue, isUnknown } from '../framework/value.js';
import type { ObjectValue, Value } from '../framework/value.js';
import type { FieldCodec } from './codec.js';

// Conversions between Terraform values (snake_case attributes, null for
// unset) and spec values (camelCase fields, absent for unset), guided by the
// codec tree so map keys (labels, policy resources) are never renamed.

/**
 * toSpec converts a Terraform object to spec input: null attributes are left
 * out (so zod applies its defaults) and numbers become plain numbers. It
 * must be given a wholly known value.
 */
export function toSpec(value: ObjectValue, codecs: readonly FieldCodec[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const codec of codecs) {
    const v = value[codec.attribute] ?? null;
    if (v === null) continue;
    out[codec.field] = fieldToSpec(v, codec);
  }
  return out;
}

function fieldToSpec(v: Value, codec: FieldCodec): unknown {
  if (codec.kind === 'object') return isObjectValue(v) ? toSpec(v, codec.children) : v;
  if (codec.kind === 'objectList') return Array.isArray(v) ? (v as readonly Value[]).map((item) => (isObjectValue(item) ? toSpec(item, codec.children) : item)) : v;
  return plain(v);
}

function plain(v: Value): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return (v as readonly Value[]).map(plain);
  if (isObjectValue(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** fromSpec converts spec values back to a Terraform object with every attribute present (null when unset). */
export function fromSpec(spec: unknown, codecs: readonly FieldCodec[]): ObjectValue {
  const source = (typeof spec === 'object' && spec !== null ? spec : {}) as Record<string, unknown>;
  const out: Record<string, Value> = {};
  for (const codec of codecs) out[codec.attribute] = fieldFromSpec(source[codec.field], codec);
  return out;
}

function fieldFromSpec(v: unknown, codec: FieldCodec): Value {
  if (v === undefined || v === null) return null;
  if (codec.kind === 'object') return fromSpec(v, codec.children);
  if (codec.kind === 'objectList') return Array.isArray(v) ? v.map((item) => fromSpec(item, codec.children)) : null;
  return v as Value;
}

/**
 * fillDefaults plans zod's defaults for attributes the configuration leaves
 * null, like the framework's Default: driven by the config, not the prior
 * state, so removing a setting from the configuration goes back to its
 * default. Unknown values stay unknown.
 */
export function fillDefaults(config: ObjectValue, codecs: readonly FieldCodec[]): ObjectValue {
  const out: Record<string, Value> = {};
  for (const codec of codecs) out[codec.attribute] = fillField(config[codec.attribute] ?? null, codec);
  return out;
}

function fillField(v: Value, codec: FieldCodec): Value {
  if (isUnknown(v)) return v;
  if (v === null) return codec.defaultValue === undefined ? null : fieldFromSpec(codec.defaultValue, codec);
  if (codec.kind === 'object' && isObjectValue(v)) return fillDefaults(v, codec.children);
  if (codec.kind === 'objectList' && Array.isArray(v)) {
    return (v as readonly Value[]).map((item) => (isObjectValue(item) ? fillDefaults(item, codec.children) : item));
  }
  return v;
}

/**
 * attributePathOf maps a spec issue path (camelCase fields, list indexes,
 * map keys) to the Terraform attribute path, so diagnostics point at the
 * attribute in the configuration. Steps it cannot map end the path early.
 */
export function attributePathOf(specPath: readonly (string | number)[], codecs: readonly FieldCodec[]): AttributePath {
  const out: PathStep[] = [];
  let level: readonly FieldCodec[] | undefined = codecs;
  let pending: FieldCodec | undefined;
  for (const step of specPath) {
    if (pending !== undefined) {
      // The previous step named a list or map attribute: this step indexes it.
      out.push(typeof step === 'number' ? { index: step } : { key: step });
      level = pending.kind === 'objectList' ? pending.children : undefined;
      pending = undefined;
      continue;
    }
    const codec: FieldCodec | undefined = typeof step === 'string' ? level?.find((c) => c.field === step) : undefined;
    if (codec === undefined) break;
    out.push({ attribute: codec.attribute });
    if (codec.kind === 'object') level = codec.children;
    else {
      pending = codec;
      level = undefined;
    }
  }
  return out;
}

/** containsUnknown tells whether any value below is unknown. */
export function containsUnknown(value: Value): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return (value as readonly Value[]).some(containsUnknown);
  if (isObjectValue(value)) return Object.values(value).some(containsUnknown);
  return false;
}

/** withSpecField sets one spec field (camelCase path, spec-form value) on a Terraform object. */
export function withSpecField(value: ObjectValue, path: readonly string[], fieldValue: unknown, codecs: readonly FieldCodec[]): ObjectValue {
  const [head, ...rest] = path;
  const codec = codecs.find((c) => c.field === head);
  if (codec === undefined) return value;
  if (rest.length === 0) return { ...value, [codec.attribute]: fieldFromSpec(fieldValue, codec) };
  const inner = value[codec.attribute] ?? null;
  if (codec.kind !== 'object' || !isObjectValue(inner)) return value;
  return { ...value, [codec.attribute]: withSpecField(inner, rest, fieldValue, codec.children) };
}
