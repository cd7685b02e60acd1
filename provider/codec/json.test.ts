import { describe, expect, it } from 'vitest';
import type { CtyType } from '../framework/schema.js';
import type { ObjectValue } from '../framework/value.js';
import { decodeJsonState } from './json.js';

describe('decodeJsonState', () => {
  const type: CtyType = ['object', { id: 'string', size: 'number', added: 'string', dyn: 'dynamic' }];
  const rows: { reason: string; json: string; want: ObjectValue | null }[] = [
    { reason: 'an attribute added since the state was written becomes null', json: '{"id":"a","size":1,"dyn":null}', want: { id: 'a', size: 1, added: null, dyn: null } },
    { reason: 'an attribute removed from the schema is dropped, not an error', json: '{"id":"a","size":1,"gone":true,"added":"x","dyn":null}', want: { id: 'a', size: 1, added: 'x', dyn: null } },
    { reason: 'numbers stored as strings are parsed', json: '{"id":"a","size":"0.5"}', want: { id: 'a', size: 0.5, added: null, dyn: null } },
    { reason: 'dynamic values are stored as {type, value}', json: '{"dyn":{"type":"bool","value":true}}', want: { id: null, size: null, added: null, dyn: true } },
    { reason: 'empty raw state is a null state', json: '', want: null },
  ];
  it.each(rows)('$reason', (row) => {
    expect(decodeJsonState(row.json, type)).toStrictEqual(row.want);
  });

  it('refuses a value of the wrong type rather than storing garbage', () => {
    expect(() => decodeJsonState('{"size":{}}', type)).toThrow(/does not match/);
  });
});
