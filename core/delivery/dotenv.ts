// A dotenv file as its readers agree on it: motdotla's dotenv (Next.js,
// Vite and so Hydrogen, wrangler's .dev.vars) and Node's own --env-file
// parser. There is no standard, so every value is quoted the one way those
// readers all take back unchanged:
//
//   'value'   single quotes: literal, no escapes; cannot hold ' or a line break;
//   "a\nb"    double quotes: \n is the only escape all of them decode, so a
//             line break is written as \n; cannot hold " or a literal \n;
//   `value`   backticks: literal; cannot hold ` or a line break.
//
// Next.js and Vite also expand $NAME (dotenv-expand, whatever the quotes;
// \$ escapes it there but stays \$ for the others), so a value holding $
// reads differently depending on the reader. Such a value, and one none of
// the quotes can carry (it would need ' and " and ` or a line break, or it
// holds a carriage return), is refused rather than written so that some
// reader gets a different value. Tokens, ids, times and origins never are.

/**
 * dotenvQuote writes a value so dotenv readers read back exactly it, or
 * returns undefined when no quoting they share can carry it.
 */
export function dotenvQuote(value: string): string | undefined {
  if (value.includes('\r') || value.includes('$')) return undefined;
  if (!value.includes("'") && !value.includes('\n')) return `'${value}'`;
  if (!value.includes('"') && !value.includes('\\n')) return `"${value.replaceAll('\n', '\\n')}"`;
  if (!value.includes('`') && !value.includes('\n')) return `\`${value}\``;
  return undefined;
}

/** A DotenvEntry is one variable, in the order it is written. */
export interface DotenvEntry {
  readonly name: string;
  readonly value: string;
}

/**
 * renderDotenv writes NAME='value' lines, or names the first variable whose
 * value cannot be written (never the value itself). Names are written as
 * given: the schema has checked them.
 */
export function renderDotenv(entries: readonly DotenvEntry[]): { readonly text: string } | { readonly unwritable: string } {
  let text = '';
  for (const { name, value } of entries) {
    const quoted = dotenvQuote(value);
    if (quoted === undefined) return { unwritable: name };
    text += `${name}=${quoted}\n`;
  }
  return { text };
}
