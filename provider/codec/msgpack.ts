import { decode, encode, ExtData } from '@msgpack/msgpack';
import { ProviderError } from '../errors.js';
import type { CtyPrimitive, CtyType } from '../framework/schema.js';
import { isObjectValue, isUnknown, Unknown, UnknownValue } from '../framework/value.js';
import type { ObjectValue, Value } from '../framework/value.js';
import { narrowBigInt, parseDecimal } from './number.js';
import { inferType } from './infer-type.js';

/** EXT_UNKNOWN is the msgpack extension type cty uses for a plain unknown value. */
const EXT_UNKNOWN = 0;
/** EXT_REFINED_UNKNOWN carries an unknown with refinements (not-null, prefix, bounds). */
const EXT_REFINED_UNKNOWN = 12;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;
const UINT32_LIMIT = 2 ** 32;

/**
 * encodeMsgpack encodes a value of the given cty type the way go-cty does:
 * objects carry exactly the type's attributes (missing ones become null,
 * extra ones are a provider bug), unknowns are extension 0 (or 12 when the
 * unknown came in refined), numbers are ints, floats or decimal strings.
 */
export function encodeMsgpack(value: Value, type: CtyType): Uint8Array {
  return encode(toWire(value, type, ''), { useBigInt64: true });
}

/**
 * decodeMsgpack decodes a DynamicValue's msgpack bytes against a cty type.
 * Empty bytes decode as null (Terraform sends nothing for a null state). Any
 * extension type decodes as unknown, as the wire-format spec asks.
 */
export function decodeMsgpack(bytes: Uint8Array, type: CtyType): Value {
  if (bytes.length === 0) return null;
  let wire: unknown;
  try {
    wire = decode(bytes, { useBigInt64: true });
  } catch (cause) {
    throw new ProviderError('ERR_VALUE_DECODE', 'DynamicValue is not valid msgpack', { cause });
  }
  return fromWire(wire, type, '');
}

/** decodeMsgpackObject decodes a DynamicValue that must be an object (or null). */
export function decodeMsgpackObject(bytes: Uint8Array, type: CtyType): ObjectValue | null {
  const value = decodeMsgpack(bytes, type);
  if (value === null || isObjectValue(value)) return value;
  throw new ProviderError('ERR_VALUE_TYPE_MISMATCH', 'DynamicValue: expected an object');
}

function mismatch(where: string, type: CtyType): ProviderError {
  return new ProviderError('ERR_VALUE_TYPE_MISMATCH', `${where || '(root)'}: value does not match type ${JSON.stringify(type)}`);
}

function toWire(value: Value, type: CtyType, where: string): unknown {
  if (isUnknown(value)) {
    return value.refinement === undefined
      ? new ExtData(EXT_UNKNOWN, Uint8Array.of(0))
      : new ExtData(EXT_REFINED_UNKNOWN, value.refinement);
  }
  if (value === null) return null;
  if (typeof type === 'string') return primitiveToWire(value, type, where);
  switch (type[0]) {
    case 'list':
    case 'set': {
      const element = type[1];
      return arrayOf(value, where, type).map((v, i) => toWire(v, element, `${where}[${i}]`));
    }
    case 'tuple': {
      const elements = type[1];
      const items = arrayOf(value, where, type);
      if (items.length !== elements.length) throw mismatch(where, type);
      return items.map((v, i) => toWire(v, elements[i] ?? 'dynamic', `${where}[${i}]`));
    }
    case 'map': {
      const element = type[1];
      if (!isObjectValue(value)) throw mismatch(where, type);
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v, element, `${where}[${JSON.stringify(k)}]`)]));
    }
    case 'object': {
      const fields = type[1];
      if (!isObjectValue(value)) throw mismatch(where, type);
      for (const key of Object.keys(value)) {
        if (!(key in fields)) {
          throw new ProviderError('ERR_VALUE_UNSUPPORTED_ATTRIBUTE', `${where}.${key}: attribute is not in the schema`);
        }
      }
      return Object.fromEntries(
        Object.entries(fields).map(([k, t]) => [k, toWire(value[k] ?? null, t, `${where}.${k}`)]),
      );
    }
  }
}

function primitiveToWire(value: Value, type: CtyPrimitive, where: string): unknown {
  switch (type) {
    case 'string':
      if (typeof value !== 'string') throw mismatch(where, type);
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw mismatch(where, type);
      return value;
    case 'number':
      return numberToWire(value, where);
    case 'dynamic': {
      // A known dynamic value travels as [type JSON bytes, value].
      const actual = inferType(value);
      return [new TextEncoder().encode(JSON.stringify(actual)), toWire(value, actual, where)];
    }
  }
}

function numberToWire(value: Value, where: string): unknown {
  if (typeof value === 'bigint') {
    return value >= INT64_MIN && value <= UINT64_MAX ? value : value.toString();
  }
  if (typeof value !== 'number' || Number.isNaN(value)) throw mismatch(where, 'number');
  // Above 32 bits the encoder would fall back to float64 for numbers; an
  // explicit int64 keeps the integer exact, as go-cty does.
  if (Number.isSafeInteger(value) && Math.abs(value) >= UINT32_LIMIT / 2) return BigInt(value);
  return value;
}

function arrayOf(value: Value, where: string, type: CtyType): readonly Value[] {
  if (!Array.isArray(value)) throw mismatch(where, type);
  return value as readonly Value[];
}

function fromWire(wire: unknown, type: CtyType, where: string): Value {
  if (wire instanceof ExtData) {
    const data = wire.data instanceof Uint8Array ? wire.data : new Uint8Array(0);
    return wire.type === EXT_REFINED_UNKNOWN && data.length > 0 ? new UnknownValue(data) : Unknown;
  }
  if (wire === null || wire === undefined) return null;
  if (typeof type === 'string') return primitiveFromWire(wire, type, where);
  switch (type[0]) {
    case 'list':
    case 'set': {
      const element = type[1];
      if (!Array.isArray(wire)) throw mismatch(where, type);
      return wire.map((v: unknown, i) => fromWire(v, element, `${where}[${i}]`));
    }
    case 'tuple': {
      const elements = type[1];
      if (!Array.isArray(wire) || wire.length !== elements.length) throw mismatch(where, type);
      return wire.map((v: unknown, i) => fromWire(v, elements[i] ?? 'dynamic', `${where}[${i}]`));
    }
    case 'map': {
      const element = type[1];
      const entries = mapEntries(wire, where, type);
      return Object.fromEntries(entries.map(([k, v]) => [k, fromWire(v, element, `${where}[${JSON.stringify(k)}]`)]));
    }
    case 'object': {
      const fields = type[1];
      const entries = new Map(mapEntries(wire, where, type));
      for (const key of entries.keys()) {
        if (!(key in fields)) {
          throw new ProviderError('ERR_VALUE_UNSUPPORTED_ATTRIBUTE', `${where}.${key}: attribute is not in the schema`);
        }
      }
      return Object.fromEntries(
        Object.entries(fields).map(([k, t]) => [k, fromWire(entries.get(k) ?? null, t, `${where}.${k}`)]),
      );
    }
  }
}

function primitiveFromWire(wire: unknown, type: CtyPrimitive, where: string): Value {
  switch (type) {
    case 'string':
      if (typeof wire !== 'string') throw mismatch(where, type);
      return wire;
    case 'bool':
      if (typeof wire !== 'boolean') throw mismatch(where, type);
      return wire;
    case 'number':
      if (typeof wire === 'number') return wire;
      if (typeof wire === 'bigint') return narrowBigInt(wire);
      if (typeof wire === 'string') return parseDecimal(wire, where || '(root)');
      throw mismatch(where, type);
    case 'dynamic': {
      if (!Array.isArray(wire) || wire.length !== 2) throw mismatch(where, type);
      const [typeBytes, inner] = wire as [unknown, unknown];
      const typeText = typeBytes instanceof Uint8Array ? new TextDecoder().decode(typeBytes) : typeBytes;
      if (typeof typeText !== 'string') throw mismatch(where, type);
      let actual: CtyType;
      try {
        actual = JSON.parse(typeText) as CtyType;
      } catch (cause) {
        throw new ProviderError('ERR_VALUE_DECODE', `${where || '(root)'}: dynamic value has an invalid type`, { cause });
      }
      return fromWire(inner, actual, where);
    }
  }
}

function mapEntries(wire: unknown, where: string, type: CtyType): [string, unknown][] {
  if (wire instanceof Map) return [...(wire as Map<unknown, unknown>).entries()].map(([k, v]) => [String(k), v]);
  if (typeof wire !== 'object' || wire === null || Array.isArray(wire) || wire instanceof Uint8Array) {
    throw mismatch(where, type);
  }
  return Object.entries(wire);
}
