import { ProviderError } from '../errors.js';
import type { CtyPrimitive, CtyType } from '../framework/schema.js';
import type { ObjectValue, Value } from '../framework/value.js';
import { parseDecimal } from './number.js';

/**
 * decodeJsonState decodes state JSON as Terraform stores it (the `raw_state`
 * of UpgradeResourceState) against the current type, normalising it: keys the
 * schema no longer has are dropped and missing ones become null, so adding an
 * attribute does not break existing state.
 */
export function decodeJsonState(json: Uint8Array | string, type: CtyType): ObjectValue | null {
  const text = typeof json === 'string' ? json : new TextDecoder().decode(json);
  if (text.trim() === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new ProviderError('ERR_VALUE_DECODE', 'state JSON is not valid JSON', { cause });
  }
  const value = fromJson(parsed, type, '');
  if (value !== null && (typeof value !== 'object' || Array.isArray(value))) {
    throw new ProviderError('ERR_VALUE_TYPE_MISMATCH', 'state JSON: expected an object');
  }
  return value as ObjectValue | null;
}

function mismatch(where: string, type: CtyType): ProviderError {
  return new ProviderError('ERR_VALUE_TYPE_MISMATCH', `${where || '(root)'}: JSON value does not match type ${JSON.stringify(type)}`);
}

function fromJson(json: unknown, type: CtyType, where: string): Value {
  if (json === null || json === undefined) return null;
  if (typeof type === 'string') return primitiveFromJson(json, type, where);
  switch (type[0]) {
    case 'list':
    case 'set': {
      const element = type[1];
      if (!Array.isArray(json)) throw mismatch(where, type);
      return json.map((v: unknown, i) => fromJson(v, element, `${where}[${i}]`));
    }
    case 'tuple': {
      const elements = type[1];
      if (!Array.isArray(json) || json.length !== elements.length) throw mismatch(where, type);
      return json.map((v: unknown, i) => fromJson(v, elements[i] ?? 'dynamic', `${where}[${i}]`));
    }
    case 'map': {
      const element = type[1];
      const record = asRecord(json, where, type);
      return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fromJson(v, element, `${where}[${JSON.stringify(k)}]`)]));
    }
    case 'object': {
      const fields = type[1];
      const record = asRecord(json, where, type);
      return Object.fromEntries(Object.entries(fields).map(([k, t]) => [k, fromJson(record[k] ?? null, t, `${where}.${k}`)]));
    }
  }
}

function primitiveFromJson(json: unknown, type: CtyPrimitive, where: string): Value {
  switch (type) {
    case 'string':
      // cty's JSON decoder also accepts numbers and bools for strings.
      if (typeof json === 'string') return json;
      if (typeof json === 'number' || typeof json === 'boolean') return String(json);
      throw mismatch(where, type);
    case 'bool':
      if (typeof json === 'boolean') return json;
      if (json === 'true' || json === 'false') return json === 'true';
      throw mismatch(where, type);
    case 'number':
      if (typeof json === 'number') return json;
      if (typeof json === 'string') return parseDecimal(json, where || '(root)');
      throw mismatch(where, type);
    case 'dynamic': {
      const record = asRecord(json, where, type);
      if (!('type' in record) || !('value' in record)) throw mismatch(where, type);
      return fromJson(record.value, record.type as CtyType, where);
    }
  }
}

function asRecord(json: unknown, where: string, type: CtyType): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw mismatch(where, type);
  return json as Record<string, unknown>;
}
