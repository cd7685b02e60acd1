import { blockType } from '../codec/cty-type.js';
import { decodeJsonState } from '../codec/json.js';
import { decodeMsgpackObject, encodeMsgpack } from '../codec/msgpack.js';
import type { BlockSchema } from '../framework/schema.js';
import type { ObjectValue } from '../framework/value.js';
import type { WireDynamicValue } from './wire.js';

/**
 * decodeObject decodes a DynamicValue against a block. Terraform sends
 * msgpack; JSON is accepted too because the protocol allows it. A missing or
 * empty value is null.
 */
export function decodeObject(value: WireDynamicValue | null | undefined, block: BlockSchema): ObjectValue | null {
  const type = blockType(block);
  if (value?.msgpack !== undefined && value.msgpack.length > 0) return decodeMsgpackObject(value.msgpack, type);
  if (value?.json !== undefined && value.json.length > 0) return decodeJsonState(value.json, type);
  return null;
}

/** encodeObject encodes an object (or null) against a block as msgpack. */
export function encodeObject(value: ObjectValue | null, block: BlockSchema): WireDynamicValue {
  return { msgpack: encodeMsgpack(value, blockType(block)) };
}
