import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AttributeSchema } from '../framework/schema.js';
import { resourceSchema } from './schema.js';

// The generated Terraform schema is compared with a stored golden file, so
// any change to the zod spec or its metadata shows up in review as a schema
// diff. Regenerate with SFTOKEN_UPDATE_GOLDEN=1.
const golden = new URL('./schema.golden.json', import.meta.url);

function at(path: readonly string[]): AttributeSchema | undefined {
  let attributes = resourceSchema.block.attributes;
  let found: AttributeSchema | undefined;
  for (const name of path) {
    found = attributes[name];
    attributes = found?.nested?.attributes ?? {};
  }
  return found;
}

describe('sftoken_storefront_token schema', () => {
  it('matches the golden file', () => {
    const text = `${JSON.stringify(resourceSchema, null, 2)}\n`;
    if (process.env['SFTOKEN_UPDATE_GOLDEN'] === '1' || !existsSync(golden)) writeFileSync(golden, text);
    expect(text).toBe(readFileSync(golden, 'utf8'));
  });

  it.each([
    { reason: 'platform names the token: required, and a change replaces it', path: ['platform'], want: { required: true, requiresReplace: true } },
    { reason: 'the store hash is immutable inside its nested block', path: ['bigcommerce', 'store_hash'], want: { required: true, requiresReplace: true } },
    { reason: 'zod defaults become optional+computed, filled at plan', path: ['bigcommerce', 'kind'], want: { optional: true, computed: true } },
    { reason: 'string records are maps of strings', path: ['secret', 'labels'], want: { type: ['map', 'string'], computed: true } },
    { reason: 'arrays of objects are nested lists', path: ['cloudflare', 'policies'], want: { required: true } },
    { reason: 'the token value is sensitive and computed', path: ['value'], want: { sensitive: true, computed: true } },
    { reason: 'id keeps its value across updates', path: ['id'], want: { stable: true, computed: true } },
  ])('$reason', ({ path, want }) => {
    expect(at(path)).toMatchObject(want);
  });

  it('leaves out fields that are not on the terraform surface', () => {
    expect(at(['connection_ref'])).toBeUndefined();
    expect(at(['secret', 'namespace'])).toBeDefined();
  });

  it('fails nothing silently: every spec attribute has a description', () => {
    const missing = Object.entries(resourceSchema.block.attributes).filter(([, a]) => a.description === undefined).map(([n]) => n);
    expect(missing).toStrictEqual([]);
  });
});
