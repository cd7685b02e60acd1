import type { AttributeSchema, BlockSchema, CtyType } from '../framework/schema.js';
import { ProviderError } from '../errors.js';

/**
 * attributeType is the cty type Terraform uses for an attribute's values:
 * its `type`, or the object type implied by its nested attributes.
 */
export function attributeType(attribute: AttributeSchema, name = '(attribute)'): CtyType {
  if (attribute.type !== undefined && attribute.nested !== undefined) {
    throw new ProviderError('ERR_SCHEMA_INVALID', `attribute ${name} sets both type and nested`);
  }
  if (attribute.type !== undefined) return attribute.type;
  if (attribute.nested === undefined) {
    throw new ProviderError('ERR_SCHEMA_INVALID', `attribute ${name} sets neither type nor nested`);
  }
  const object = objectOf(attribute.nested.attributes, {});
  switch (attribute.nested.nesting) {
    case 'single':
      return object;
    case 'list':
      return ['list', object];
    case 'set':
      return ['set', object];
    case 'map':
      return ['map', object];
  }
}

/** blockType is the object type implied by a block: its attributes and nested blocks. */
export function blockType(block: BlockSchema): CtyType {
  return objectOf(block.attributes, block.blocks ?? {});
}

function objectOf(
  attributes: BlockSchema['attributes'],
  blocks: NonNullable<BlockSchema['blocks']>,
): CtyType {
  const fields: Record<string, CtyType> = {};
  for (const [name, attribute] of Object.entries(attributes)) fields[name] = attributeType(attribute, name);
  for (const [name, nested] of Object.entries(blocks)) {
    const inner = blockType(nested.block);
    switch (nested.nesting) {
      case 'single':
      case 'group':
        fields[name] = inner;
        break;
      case 'list':
        fields[name] = ['list', inner];
        break;
      case 'set':
        fields[name] = ['set', inner];
        break;
      case 'map':
        fields[name] = ['map', inner];
        break;
    }
  }
  return ['object', fields];
}

/** ctyTypeJson is the JSON form Terraform expects in `Schema.Attribute.type`. */
export function ctyTypeJson(type: CtyType): string {
  return JSON.stringify(type);
}
