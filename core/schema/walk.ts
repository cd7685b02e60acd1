import type { z } from 'zod';
import { fieldMeta, type FieldMeta } from './meta.js';

/** A FieldVisit is one field met while walking a schema. */
export interface FieldVisit {
  /** path is the field's path from the walked root, e.g. ['bigcommerce', 'channelIds']. */
  readonly path: readonly string[];
  /** schema is the field's schema as declared (possibly optional or defaulted). */
  readonly schema: z.ZodType;
  /** inner is the schema with optional/default/nullable wrappers removed. */
  readonly inner: z.ZodType;
  /** meta is the field's registered metadata, if any. */
  readonly meta: FieldMeta | undefined;
}

/**
 * unwrap removes optional, default and nullable wrappers, which carry no
 * shape of their own; metadata may sit on either side of them.
 */
export function unwrap(schema: z.ZodType): { inner: z.ZodType; meta: FieldMeta | undefined } {
  let current = schema;
  let meta = fieldMeta.get(current);
  for (;;) {
    const def = current._zod.def as { type: string; innerType?: z.ZodType };
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') && def.innerType !== undefined) {
      current = def.innerType;
      meta ??= fieldMeta.get(current);
      continue;
    }
    return { inner: current, meta };
  }
}

/** objectShape returns an object schema's fields, or undefined for non-objects. */
export function objectShape(schema: z.ZodType): Readonly<Record<string, z.ZodType>> | undefined {
  const def = schema._zod.def as { type: string; shape?: Record<string, z.ZodType> };
  return def.type === 'object' ? def.shape : undefined;
}

// Schemas are immutable, so each one's field list is computed once: the
// validator and the diff walk the spec schema on every call.
const fieldLists = new WeakMap<z.ZodType, readonly FieldVisit[]>();

function collectFields(root: z.ZodType, prefix: readonly string[], out: FieldVisit[]): void {
  const shape = objectShape(unwrap(root).inner);
  if (shape === undefined) return;
  for (const [name, schema] of Object.entries(shape)) {
    const { inner, meta } = unwrap(schema);
    const path = [...prefix, name];
    out.push({ path, schema, inner, meta });
    collectFields(inner, path, out);
  }
}

/**
 * walkFields visits every field of an object schema depth-first (objects
 * only; array items are not entered), so generators and transition checks
 * share one traversal.
 */
export function walkFields(root: z.ZodType, visit: (field: FieldVisit) => void, prefix: readonly string[] = []): void {
  let fields = prefix.length === 0 ? fieldLists.get(root) : undefined;
  if (fields === undefined) {
    const collected: FieldVisit[] = [];
    collectFields(root, prefix, collected);
    fields = collected;
    if (prefix.length === 0) fieldLists.set(root, fields);
  }
  for (const field of fields) visit(field);
}

/** getAt reads a nested value by path; undefined when any step is missing. */
export function getAt(value: unknown, path: readonly (string | number)[]): unknown {
  let current: unknown = value;
  for (const step of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}
