import { describe, expect, it } from 'vitest';
import { isProviderError } from '../errors.js';
import type { CtyType } from '../framework/schema.js';
import { isUnknown, Unknown, UnknownValue } from '../framework/value.js';
import type { Value } from '../framework/value.js';
import { decodeMsgpack, encodeMsgpack } from './msgpack.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const bytes = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

describe('encodeMsgpack', () => {
  const rows: { reason: string; type: CtyType; value: Value; hex: string }[] = [
    { reason: 'a plain unknown is fixext1 type 0, as go-cty writes it', type: 'string', value: Unknown, hex: 'd40000' },
    { reason: 'null is msgpack nil whatever the type', type: ['object', { a: 'string' }], value: null, hex: 'c0' },
    { reason: 'small integers are msgpack ints', type: 'number', value: 5, hex: '05' },
    { reason: 'non-integers are float64', type: 'number', value: 1.5, hex: 'cb3ff8000000000000' },
    { reason: 'integers above 32 bits stay exact as int64, not float', type: 'number', value: 2 ** 40, hex: 'cf0000010000000000' },
    { reason: 'bigints beyond uint64 become decimal strings', type: 'number', value: 10n ** 20n, hex: `b5${Buffer.from('100000000000000000000').toString('hex')}` },
    { reason: 'objects missing an attribute get it as null (exactly the schema keys)', type: ['object', { a: 'string', b: 'bool' }], value: { a: 'x' }, hex: '82a161a178a162c0' },
    { reason: 'maps keep their own keys', type: ['map', 'number'], value: { k: 1 }, hex: '81a16b01' },
    { reason: 'sets and lists are arrays', type: ['set', 'string'], value: ['a', 'b'], hex: '92a161a162' },
    { reason: 'a refined unknown keeps its refinement when echoed', type: 'string', value: new UnknownValue(bytes('8201c202a2782d')), hex: 'c7070c8201c202a2782d' },
    { reason: 'a known dynamic value is [type JSON bytes, value]', type: 'dynamic', value: 'hi', hex: `92c408${Buffer.from('"string"').toString('hex')}a26869` },
  ];
  it.each(rows)('$reason', (row) => {
    expect(hex(encodeMsgpack(row.value, row.type))).toBe(row.hex);
  });

  const failures: { reason: string; type: CtyType; value: Value; code: string }[] = [
    { reason: 'an attribute the schema lacks is a provider bug, not silently dropped', type: ['object', { a: 'string' }], value: { a: 'x', b: 'y' }, code: 'ERR_VALUE_UNSUPPORTED_ATTRIBUTE' },
    { reason: 'a number where a string is due would make Terraform fail later', type: 'string', value: 3, code: 'ERR_VALUE_TYPE_MISMATCH' },
    { reason: 'NaN has no cty representation', type: 'number', value: Number.NaN, code: 'ERR_VALUE_TYPE_MISMATCH' },
    { reason: 'a tuple needs exactly its element count', type: ['tuple', ['string', 'bool']], value: ['a'], code: 'ERR_VALUE_TYPE_MISMATCH' },
  ];
  it.each(failures)('refuses: $reason', (row) => {
    let caught: unknown;
    try {
      encodeMsgpack(row.value, row.type);
    } catch (error) {
      caught = error;
    }
    expect(isProviderError(caught, row.code as never)).toBe(true);
  });
});

describe('decodeMsgpack', () => {
  const rows: { reason: string; type: CtyType; hex: string; want: Value }[] = [
    { reason: 'Terraform sends 0.1 as a decimal string', type: 'number', hex: `a3${Buffer.from('0.1').toString('hex')}`, want: 0.1 },
    { reason: 'huge integers arrive as strings and must stay exact', type: 'number', hex: `b4${Buffer.from('12345678901234567890').toString('hex')}`, want: 12345678901234567890n },
    { reason: 'int64 that fits a double becomes a plain number', type: 'number', hex: 'd30000010000000000', want: 2 ** 40 },
    { reason: 'empty bytes are a null value (e.g. no prior state)', type: ['object', { a: 'string' }], hex: '', want: null },
    { reason: 'missing object keys decode as null rather than undefined', type: ['object', { a: 'string', b: 'string' }], hex: '81a161a178', want: { a: 'x', b: null } },
    { reason: 'nested list blocks decode element by element', type: ['object', { rule: ['list', ['object', { port: 'number' }]] }], hex: '81a472756c659181a4706f7274cd01bb', want: { rule: [{ port: 443 }] } },
    { reason: 'dynamic values carry their own type', type: 'dynamic', hex: `92c408${Buffer.from('"number"').toString('hex')}07`, want: 7 },
  ];
  it.each(rows)('$reason', (row) => {
    expect(decodeMsgpack(bytes(row.hex), row.type)).toStrictEqual(row.want);
  });

  const unknowns: { reason: string; hex: string; refined: boolean }[] = [
    { reason: 'ext 0 is a plain unknown', hex: 'd40000', refined: false },
    { reason: 'ext 12 with "x-" prefix is a refined unknown Terraform really sends', hex: 'c7070c8201c202a2782d', refined: true },
    { reason: 'any other extension type must still read as unknown, per the wire spec', hex: 'd40500', refined: false },
  ];
  it.each(unknowns)('$reason', (row) => {
    const value = decodeMsgpack(bytes(row.hex), 'string');
    expect(isUnknown(value)).toBe(true);
    expect(isUnknown(value) && value.refinement !== undefined).toBe(row.refined);
  });

  it('round-trips a full block value through encode and decode', () => {
    const type: CtyType = ['object', { id: 'string', size: 'number', tags: ['map', 'string'], ok: 'bool', rule: ['list', ['object', { port: 'number' }]] }];
    const value = { id: 'x', size: 0.1, tags: { a: 'b' }, ok: true, rule: [{ port: 1 }] };
    expect(decodeMsgpack(encodeMsgpack(value, type), type)).toStrictEqual(value);
  });

  it('refuses an attribute the schema lacks, which means Terraform and the provider disagree', () => {
    expect(() => decodeMsgpack(bytes('81a17aa178'), ['object', { a: 'string' }])).toThrow(/not in the schema/);
  });
});
