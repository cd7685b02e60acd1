import { z } from 'zod';
import { admissionRules } from '../schema/admission.js';
import { fieldMeta, type Surface } from '../schema/meta.js';
import { walkFields } from '../schema/walk.js';

/** A JsonSchema is a plain OpenAPI 3.0 schema object as generated. */
export type JsonSchema = { [key: string]: unknown };

/** OpenApiOptions adjust the conversion for one consumer. */
export interface OpenApiOptions {
  /** override runs on every node after descriptions and CEL rules are attached. */
  readonly override?: (zodSchema: z.core.$ZodType, json: JsonSchema) => void;
}

/**
 * toOpenApiSchema turns a zod schema into the OpenAPI 3.0 form both the CRD
 * and the docs start from: definitions inlined (structural schemas allow no
 * $ref), descriptions taken from the field registry, CEL rules from the
 * admission registry (`x-kubernetes-validations`, a fresh list per node),
 * fields not offered on the given surface removed and fields it requires
 * (`requiredOn`) marked required.
 */
export function toOpenApiSchema(schema: z.ZodType, surface: Surface, options: OpenApiOptions = {}): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    reused: 'inline',
    unrepresentable: 'throw',
    override: ({ zodSchema, jsonSchema }) => {
      const meta = fieldMeta.get(zodSchema);
      if (meta !== undefined) jsonSchema.description = meta.description;
      const admission = admissionRules.get(zodSchema);
      if (admission !== undefined) (jsonSchema as JsonSchema)['x-kubernetes-validations'] = admission.rules.map((r) => ({ ...r }));
      options.override?.(zodSchema, jsonSchema);
    },
  }) as JsonSchema;
  walkFields(schema, ({ path, meta }) => {
    if (meta?.surfaces !== undefined && !meta.surfaces.includes(surface)) removeProperty(json, path);
    if (meta?.requiredOn?.includes(surface) === true) markRequired(json, path);
  });
  return json;
}

function parentOf(root: JsonSchema, path: readonly string[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = root;
  for (const step of path.slice(0, -1)) node = propertiesOf(node)?.[step];
  return node;
}

function markRequired(root: JsonSchema, path: readonly string[]): void {
  const parent = parentOf(root, path);
  const last = path.at(-1);
  if (parent === undefined || last === undefined) return;
  const required = Array.isArray(parent.required) ? (parent.required as string[]) : [];
  if (!required.includes(last)) parent.required = [...required, last];
}

function removeProperty(root: JsonSchema, path: readonly string[]): void {
  const node = parentOf(root, path);
  const last = path.at(-1);
  const props = propertiesOf(node);
  if (props === undefined || last === undefined) return;
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- the key comes from our own schema walk, not from input
  delete props[last];
  if (node !== undefined && Array.isArray(node.required)) node.required = node.required.filter((r) => r !== last);
}

/** propertiesOf returns an object schema's properties map, if it has one. */
export function propertiesOf(node: JsonSchema | undefined): Record<string, JsonSchema> | undefined {
  const props = node?.properties;
  return typeof props === 'object' && props !== null ? (props as Record<string, JsonSchema>) : undefined;
}
