import { z } from 'zod';
import { fieldMeta, type Surface } from '../schema/meta.js';
import { walkFields } from '../schema/walk.js';

/** A JsonSchema is a plain OpenAPI 3.0 schema object as generated. */
export type JsonSchema = { [key: string]: unknown };

/**
 * toOpenApiSchema turns a zod schema into the OpenAPI 3.0 form both the CRD
 * and the docs start from: definitions inlined (structural schemas allow no
 * $ref), descriptions taken from the field registry, and fields not offered
 * on the given surface removed.
 */
export function toOpenApiSchema(schema: z.ZodType, surface: Surface): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    reused: 'inline',
    unrepresentable: 'throw',
    override: ({ zodSchema, jsonSchema }) => {
      const meta = fieldMeta.get(zodSchema);
      if (meta !== undefined) jsonSchema.description = meta.description;
    },
  }) as JsonSchema;
  walkFields(schema, ({ path, meta }) => {
    if (meta?.surfaces !== undefined && !meta.surfaces.includes(surface)) removeProperty(json, path);
  });
  return json;
}

function removeProperty(root: JsonSchema, path: readonly string[]): void {
  let node: JsonSchema | undefined = root;
  for (const step of path.slice(0, -1)) node = propertiesOf(node)?.[step];
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
