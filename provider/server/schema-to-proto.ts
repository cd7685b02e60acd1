import { attributeType, ctyTypeJson } from '../codec/cty-type.js';
import type { AttributeSchema, BlockSchema, ResourceSchema } from '../framework/schema.js';
import type { WireAttribute, WireBlock, WireSchema } from './wire.js';

const encoder = new TextEncoder();

/** schemaToProto encodes a resource schema; descriptions are always Markdown. */
export function schemaToProto(schema: ResourceSchema): WireSchema {
  return { version: schema.version, block: blockToProto(schema.block, schema.version) };
}

/** blockToProto encodes a block; attributes are sorted by name for stable output. */
export function blockToProto(block: BlockSchema, version = 0): WireBlock {
  return {
    version,
    attributes: sortedEntries(block.attributes).map(([name, a]) => attributeToProto(name, a)),
    block_types: sortedEntries(block.blocks ?? {}).map(([name, nested]) => ({
      type_name: name,
      block: blockToProto(nested.block),
      nesting: nested.nesting.toUpperCase(),
      min_items: nested.minItems ?? 0,
      max_items: nested.maxItems ?? 0,
    })),
    description: block.description ?? '',
    description_kind: 'MARKDOWN',
    deprecated: block.deprecated ?? false,
  };
}

function attributeToProto(name: string, attribute: AttributeSchema): WireAttribute {
  const common = {
    name,
    description: attribute.description ?? '',
    description_kind: 'MARKDOWN' as const,
    required: attribute.required ?? false,
    optional: attribute.optional ?? false,
    computed: attribute.computed ?? false,
    sensitive: attribute.sensitive ?? false,
    deprecated: attribute.deprecated ?? false,
    write_only: attribute.writeOnly ?? false,
  };
  if (attribute.nested !== undefined) {
    return {
      ...common,
      nested_type: {
        attributes: sortedEntries(attribute.nested.attributes).map(([n, a]) => attributeToProto(n, a)),
        nesting: attribute.nested.nesting.toUpperCase(),
      },
    };
  }
  return { ...common, type: encoder.encode(ctyTypeJson(attributeType(attribute, name))) };
}

function sortedEntries<T>(record: { readonly [name: string]: T }): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
