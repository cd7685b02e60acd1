import { z } from 'zod';
import { platforms } from '../platforms/registry.js';
import { admit, celList, type AdmissionRule } from './admission.js';
import { field } from './meta.js';
import type { PlatformName } from './platform.js';
import { dataKeySchema } from './secret-keys.js';
import { objectShape, unwrap } from './walk.js';

// Output formats: one data key holding a whole document (a JSON object or a
// dotenv file) that a consumer mounts as one file. Each format maps the
// document's names to values the token has; names may hold placeholders, so
// one manifest or module serves every platform.
//
//   formats:
//     - key: .env
//       format: dotenv
//       fields: { "{{PLATFORM}}_STOREFRONT_TOKEN": token, "{{PLATFORM}}_STORE_HASH": storeHash }
//
// The rendering is core/delivery's; this file only says what is valid.

/** FORMAT_KINDS are the document formats a Secret key can hold. */
export const FORMAT_KINDS = ['json', 'dotenv'] as const;
/** FormatKind is one document format. */
export type FormatKind = (typeof FORMAT_KINDS)[number];

/**
 * COMMON_VALUES are the values every token has, as the single keys publish
 * them; previousToken and previousExpiresAt exist only during a rotation
 * overlap. A format may also name any plain field of the platform block
 * (storeHash, accountId, tenantId, ...): see valueNamesOf.
 */
export const COMMON_VALUES = ['token', 'expiresAt', 'tokenId', 'origins', 'previousToken', 'previousExpiresAt', 'platform'] as const;

/** PLACEHOLDERS are what a name may contain between {{ and }}: the platform, and the Secret's name, as written or as an environment variable name. */
export const PLACEHOLDERS = ['platform', 'PLATFORM', 'name', 'NAME'] as const;
/** Placeholder is one placeholder name. */
export type Placeholder = (typeof PLACEHOLDERS)[number];
// {{name}} is a Kubernetes name (it may hold - and .), so it cannot go into a variable name.
const ENV_SAFE_PLACEHOLDERS: readonly Placeholder[] = ['platform', 'PLATFORM', 'NAME'];

/** DEFAULT_FORMAT_FIELDS are the names a format uses when `fields` is left out: every common value but platform. */
export const DEFAULT_FORMAT_FIELDS: Readonly<Record<FormatKind, Readonly<Record<string, string>>>> = {
  json: { token: 'token', expiresAt: 'expiresAt', tokenId: 'tokenId', origins: 'origins', previousToken: 'previousToken', previousExpiresAt: 'previousExpiresAt' },
  dotenv: { TOKEN: 'token', EXPIRES_AT: 'expiresAt', TOKEN_ID: 'tokenId', ORIGINS: 'origins', PREVIOUS_TOKEN: 'previousToken', PREVIOUS_EXPIRES_AT: 'previousExpiresAt' },
};

/** MAX_FORMATS bounds spec.secret.formats (and the cost of its CEL rules). */
export const MAX_FORMATS = 8;
/** MAX_FIELDS bounds the names of one format. */
export const MAX_FIELDS = 32;

const placeholder = (names: readonly string[]): string => `\\{\\{(${names.join('|')})\\}\\}`;
const dotenvName = new RegExp(`^([A-Za-z_]|${placeholder(ENV_SAFE_PLACEHOLDERS)})([A-Za-z0-9_]|${placeholder(ENV_SAFE_PLACEHOLDERS)})*$`);
const jsonName = new RegExp(`^([^{]|\\{[^{]|${placeholder(PLACEHOLDERS)})*\\{?$`);
/** ENV_NAME is what a dotenv variable name must be once rendered. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** nameMessages are the reasons a name is refused, per format. */
export const nameMessages: Readonly<Record<FormatKind, string>> = {
  dotenv: 'names of a dotenv format must be environment variable names (letters, digits and _, not starting with a digit), which may hold {{platform}}, {{PLATFORM}} and {{NAME}}',
  json: 'names of a json format may hold no placeholders but {{platform}}, {{PLATFORM}}, {{name}} and {{NAME}}',
};
const namePatterns: Readonly<Record<FormatKind, RegExp>> = { dotenv: dotenvName, json: jsonName };

const valueName = z.string().max(64).regex(/^[a-zA-Z][a-zA-Z0-9]*$/, { message: 'must name a value, such as token or storeHash' });

const tooManyFields = `must have at most ${MAX_FIELDS} names`;
// maxProperties is the CEL cost bound (as BOUND_FACTOR does for limits); the limit itself is the rule.
const fieldsSchema = admit(
  z.record(z.string().min(1).max(128), valueName).refine((f) => Object.keys(f).length <= MAX_FIELDS, { message: tooManyFields }).meta({ maxProperties: MAX_FIELDS * 4 }),
  [{ rule: `self.size() <= ${MAX_FIELDS}`, message: tooManyFields }],
);

/**
 * secretFormatSchema is one document in the Secret: its key, its format and
 * what it holds under which names. Names are checked by zod only: a CRD map
 * cannot bound the length of its keys, so a CEL rule over them costs more
 * than the API server admits; the operator reports them as an invalid spec.
 */
export const secretFormatSchema = z
  .strictObject({
    key: field(dataKeySchema(), { description: 'Data key that holds the document, e.g. .env or config.json; distinct from secret.keys and from the other formats.' }),
    format: field(z.enum(FORMAT_KINDS), {
      description: 'json: one JSON object whose values are strings; dotenv: NAME=\'value\' lines, as read by dotenv, Node\'s --env-file, Next.js, Vite and wrangler.',
    }),
    fields: field(fieldsSchema.optional(), {
      description: 'Name in the document → value it holds: token, expiresAt, tokenId, origins, previousToken and previousExpiresAt (during a rotation overlap only), platform, or a field of the platform block such as storeHash, accountId or tenantId. Names may hold {{platform}}, {{PLATFORM}}, {{name}} (the Secret\'s name) and {{NAME}} (it as a variable name). Defaults to every common value but platform, under its own name (json) or as TOKEN, EXPIRES_AT, TOKEN_ID, ORIGINS, PREVIOUS_TOKEN, PREVIOUS_EXPIRES_AT (dotenv).',
      example: '{"NEXT_PUBLIC_BIGCOMMERCE_STORE_HASH": "storeHash", "BIGCOMMERCE_STOREFRONT_TOKEN": "token"}',
    }),
  })
  .superRefine((format, ctx) => {
    for (const name of Object.keys(format.fields ?? {})) {
      if (!namePatterns[format.format].test(name)) ctx.addIssue({ code: 'custom', path: ['fields', name], message: nameMessages[format.format] });
    }
  });

/** secretFormatsSchema is spec.secret.formats: up to MAX_FORMATS documents. */
export const secretFormatsSchema = z.array(secretFormatSchema).max(MAX_FORMATS, { message: `must list at most ${MAX_FORMATS} formats` });

/** A FormatSpec is one parsed format. */
export type FormatSpec = z.output<typeof secretFormatSchema>;

// Plain fields of a platform block (strings, numbers, booleans, enums and
// lists of them) are values a format may name; read by shape, so a new
// platform's ids come for free.
function isPlain(schema: z.ZodType): boolean {
  const def = unwrap(schema).inner._zod.def as { type: string; element?: z.ZodType };
  if (def.type === 'array' && def.element !== undefined) return isPlain(def.element);
  return ['string', 'number', 'boolean', 'enum'].includes(def.type);
}

const blockValues = new Map<PlatformName, readonly string[]>();

/** valueNamesOf lists the values a format of this platform's token may name: the common ones, then the block's plain fields. */
export function valueNamesOf(platform: PlatformName): readonly string[] {
  let names = blockValues.get(platform);
  if (names === undefined) {
    const shape = objectShape(unwrap(platforms[platform].spec).inner) ?? {};
    names = [...COMMON_VALUES, ...Object.entries(shape).filter(([name, schema]) => isPlain(schema) && !(COMMON_VALUES as readonly string[]).includes(name)).map(([name]) => name)];
    blockValues.set(platform, names);
  }
  return names;
}

/** A Naming is what placeholders stand for in one token's names. */
export interface Naming {
  readonly platform: string;
  /** name is the Secret's name. */
  readonly name: string;
}

/** renderName replaces the placeholders in a name. */
export function renderName(name: string, naming: Naming): string {
  const values: Readonly<Record<Placeholder, string>> = {
    platform: naming.platform,
    PLATFORM: naming.platform.toUpperCase(),
    name: naming.name,
    NAME: naming.name.toUpperCase().replace(/[^A-Z0-9]/g, '_'),
  };
  return name.replace(new RegExp(placeholder(PLACEHOLDERS), 'g'), (_all, which: Placeholder) => values[which]);
}

/** fieldsOf is a format's names and values: its own, or its format's defaults. */
export function fieldsOf(format: FormatSpec): Readonly<Record<string, string>> {
  return format.fields ?? DEFAULT_FORMAT_FIELDS[format.format];
}

/** A FormatIssue is a problem with a format that only the whole spec shows (the platform, the Secret's name). */
export interface FormatIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** valueMessage is the reason a format names a value the token does not have, shared by zod and the CRD. */
export function valueMessage(platform: string, names: readonly string[]): string {
  return `must name a value of a ${platform} token: one of ${names.join(', ')}`;
}

/**
 * formatIssues checks what a format's own schema cannot: that each value is
 * one this platform's token has, and that names stay distinct and valid
 * once their placeholders are filled in.
 */
export function formatIssues(platform: PlatformName, secret: { readonly name: string; readonly formats?: readonly FormatSpec[] | undefined }): FormatIssue[] {
  const issues: FormatIssue[] = [];
  const known = valueNamesOf(platform);
  (secret.formats ?? []).forEach((format, i) => {
    const rendered = new Map<string, string>();
    for (const [name, value] of Object.entries(format.fields ?? {})) {
      const path = ['secret', 'formats', i, 'fields', name];
      if (!known.includes(value)) issues.push({ path, message: valueMessage(platform, known) });
      const out = renderName(name, { platform, name: secret.name });
      const before = rendered.get(out);
      if (before !== undefined) issues.push({ path, message: `becomes "${out}", as "${before}" does: one value would overwrite the other in the document` });
      else if (format.format === 'dotenv' && namePatterns.dotenv.test(name) && !ENV_NAME.test(out)) issues.push({ path, message: `becomes "${out}", which is not an environment variable name` });
      rendered.set(out, name);
    }
  });
  return issues;
}

/**
 * formatSpecRules are formatIssues' value check as CEL on the spec root, one
 * rule per platform (it needs spec.platform); names are left to validateSpec
 * (see secretFormatSchema).
 */
export function formatSpecRules(platformNames: readonly PlatformName[]): AdmissionRule[] {
  return platformNames.map((p) => ({
    rule: `!has(self.platform) || self.platform != '${p}' || !has(self.secret) || !has(self.secret.formats) || self.secret.formats.all(f, !has(f.fields) || f.fields.all(n, f.fields[n] in ${celList(valueNamesOf(p))}))`,
    message: valueMessage(p, valueNamesOf(p)),
    fieldPath: '.secret.formats',
  }));
}
