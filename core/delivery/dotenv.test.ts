import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { dotenvQuote, renderDotenv } from './dotenv.js';

// Every written value is read back with Node's own dotenv parser (what
// `node --env-file` uses), one of the readers the quoting is chosen for.

describe('dotenvQuote writes values dotenv readers read back unchanged', () => {
  const written: { name: string; reason: string; value: string; quoted: string }[] = [
    { name: 'a JWT', reason: 'tokens are letters, digits, - _ and .: single quotes keep them literal', value: 'eyJhbGciOiJFUzI1NiJ9.eyJjaWQiOlsxXX0.sig-_x', quoted: "'eyJhbGciOiJFUzI1NiJ9.eyJjaWQiOlsxXX0.sig-_x'" },
    { name: 'empty', reason: 'an unset expiry is an empty value, not a missing line', value: '', quoted: "''" },
    { name: 'a hash sign', reason: 'unquoted, # would start a comment', value: 'abc#def', quoted: "'abc#def'" },
    { name: 'spaces at both ends', reason: 'unquoted values are trimmed', value: '  padded  ', quoted: "'  padded  '" },
    { name: 'origins', reason: 'lists are comma-separated; : and / need no escape', value: 'https://a.example,https://b.example:8443', quoted: "'https://a.example,https://b.example:8443'" },
    { name: 'a backslash', reason: 'single quotes take \\ literally (double quotes would too, but \\n would turn into a line break)', value: 'a\\nb\\c', quoted: "'a\\nb\\c'" },
    { name: 'an apostrophe', reason: "' cannot sit inside single quotes, so double quotes carry it", value: "o'brien@example.com", quoted: '"o\'brien@example.com"' },
    { name: 'a line break', reason: 'double quotes are the only quoting in which readers decode \\n', value: 'line one\nline two', quoted: '"line one\\nline two"' },
    { name: "both ' and \"", reason: 'backticks are literal and carry either', value: 'it\'s "quoted"', quoted: '`it\'s "quoted"`' },
  ];

  it.each(written)('$name: $reason', ({ value, quoted }) => {
    expect(dotenvQuote(value)).toBe(quoted);
    expect(parseEnv(`NAME=${quoted}\n`)).toStrictEqual({ NAME: value });
  });

  const refused: { name: string; reason: string; value: string }[] = [
    { name: 'fails on a dollar sign', reason: 'Next.js and Vite expand $NAME in any quotes and unescape \\$; Node and wrangler do not: no writing reads the same everywhere', value: 'abc$HOME' },
    { name: 'fails on a carriage return', reason: 'readers that take CRLF files end the line at a carriage return', value: 'a\rb' },
    { name: "fails on ', \" and ` together", reason: 'no quoting can carry all three', value: 'a\'b"c`d' },
    { name: 'fails on a line break with "', reason: 'only double quotes carry a line break, and they cannot hold "', value: 'a\n"b"' },
    { name: 'fails on a line break with a literal \\n', reason: 'the literal \\n would be read back as a second line break', value: 'a\nb\\nc' },
  ];

  it.each(refused)('$name: $reason', ({ value }) => {
    expect(dotenvQuote(value)).toBeUndefined();
  });
});

describe('renderDotenv', () => {
  it('writes one NAME=value line per entry, in the order given, that Node reads back as the same map', () => {
    const entries = [{ name: 'B_TOKEN', value: "x'y" }, { name: 'A_EXPIRES_AT', value: '' }, { name: 'C', value: 'multi\nline' }];
    const rendered = renderDotenv(entries);
    expect(rendered).toStrictEqual({ text: 'B_TOKEN="x\'y"\nA_EXPIRES_AT=\'\'\nC="multi\\nline"\n' });
    if (!('text' in rendered)) throw new Error('expected text');
    expect(parseEnv(rendered.text)).toStrictEqual(Object.fromEntries(entries.map((e) => [e.name, e.value])));
  });

  it('fails naming the variable, never the value, when a value cannot be written', () => {
    expect(renderDotenv([{ name: 'OK', value: 'fine' }, { name: 'BAD', value: 'p$ss' }])).toStrictEqual({ unwritable: 'BAD' });
  });
});
