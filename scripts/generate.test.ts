import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generatedFiles } from './generate.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('generated files', () => {
  it.each([...generatedFiles()].map(([path, content]) => ({ path, content })))('$path matches the schema (run `npm run generate` if this fails)', ({ path, content }) => {
    expect(readFileSync(`${root}${path}`, 'utf8')).toBe(content);
  });
});
