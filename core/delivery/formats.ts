import { CoreError } from '../errors.js';
import { fieldsOf, renderName, type FormatSpec, type Naming } from '../schema/secret-format.js';
import { renderDotenv } from './dotenv.js';

// The documents of spec.secret.formats, rendered from the same values the
// single keys hold, so a JSON file and a dotenv file can never disagree with
// the Secret's own keys. Names are sorted: Terraform maps and the API
// server's JSON keep no order, so both front ends write the same bytes.

/**
 * A ValueLookup gives a value's text by its name (token, expiresAt,
 * storeHash, ...), or undefined when the token has none right now (the
 * previous token outside an overlap): the name is then left out.
 */
export type ValueLookup = (name: string) => string | undefined;

function entriesOf(format: FormatSpec, lookup: ValueLookup, naming: Naming): { name: string; value: string }[] {
  const entries: { name: string; value: string }[] = [];
  for (const [name, value] of Object.entries(fieldsOf(format))) {
    const text = lookup(value);
    if (text !== undefined) entries.push({ name: renderName(name, naming), value: text });
  }
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * renderFormat writes one document. It throws ERR_UNSUPPORTED, naming the
 * format and the variable but never the value, when a dotenv reader could
 * not read the value back unchanged (see dotenv.ts); validated values never
 * do, so only a platform's token could.
 */
export function renderFormat(format: FormatSpec, index: number, lookup: ValueLookup, naming: Naming): string {
  const entries = entriesOf(format, lookup, naming);
  if (format.format === 'json') return `${JSON.stringify(Object.fromEntries(entries.map((e) => [e.name, e.value])), null, 2)}\n`;
  const dotenv = renderDotenv(entries);
  if ('text' in dotenv) return dotenv.text;
  throw new CoreError('ERR_UNSUPPORTED', `cannot write ${dotenv.unwritable} into the dotenv document ${format.key}: its value holds $, a carriage return, or every kind of quote, which dotenv readers would not read back unchanged; use a json format for it`, { path: ['secret', 'formats', index, 'fields'] });
}
