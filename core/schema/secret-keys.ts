import { z } from 'zod';
import { admit, celString, type AdmissionRule } from './admission.js';
import { RESERVED_KEYS } from './delivery.js';

// A Secret data key, as Kubernetes accepts one: letters, digits, -, _ and .,
// but not `.` or `..` and not starting with `..`. RE2-compatible.
// The engine writes the previous token and its end under keys of its own
// during a rotation overlap; a configured key must not collide with them.
const reservedKey = `must not be ${RESERVED_KEYS.join(' or ')}: the previous token and its end are published under those keys during a rotation overlap`;
/**
 * dataKeySchema makes the schema of one Secret data key (a fresh node each
 * call, since the field registry holds one description per node).
 */
export function dataKeySchema(): z.ZodString {
  return admit(
    z
      .string()
      .max(253)
      .regex(/^\.?[-_a-zA-Z0-9][-._a-zA-Z0-9]*$/, { message: 'must be a Secret data key: letters, digits, -, _ and ., not . or .. and not starting with ..' })
      .refine((key) => !RESERVED_KEYS.includes(key), { message: reservedKey }),
    [{ rule: `!(self in [${RESERVED_KEYS.map(celString).join(', ')}])`, message: reservedKey }],
  );
}
const dataKey = dataKeySchema();

const defaults = { token: 'token', expiresAt: 'expiresAt', origins: 'origins', tokenId: 'tokenId' } as const;
type KeyName = keyof typeof defaults;
const names = Object.keys(defaults) as KeyName[];

/** SECRET_KEY_DEFAULTS are the data keys used when spec.secret.keys leaves one out. */
export const SECRET_KEY_DEFAULTS: Readonly<Record<KeyName, string>> = defaults;

function clash(other: string, value: string): string {
  return `must differ from secret.keys.${other}: both name the data key "${value}", so one value would overwrite the other in the Secret`;
}

// When two keys clash, the error goes on the one the person changed: the
// one not at its default (with `token: expiresAt`, on token), or the later
// one when both were changed. zod and CEL decide the same way, so kubectl
// and terraform name the same field.
function blames(field: KeyName, other: KeyName): { readonly zod: (value: string) => boolean; readonly cel: string } {
  return names.indexOf(other) < names.indexOf(field)
    ? { zod: (value) => value !== defaults[field], cel: `self.${field} != ${celString(defaults[field])}` }
    : { zod: (value) => value === defaults[other], cel: `self.${field} == ${celString(defaults[other])}` };
}

const others = (field: KeyName): KeyName[] => names.filter((n) => n !== field);

const distinctRules: AdmissionRule[] = names.map((field) => {
  const clashes = others(field).map((other) => ({ other, cel: `has(self.${other}) && self.${other} == self.${field} && ${blames(field, other).cel}` }));
  return {
    rule: `!has(self.${field}) || !(${clashes.map((c) => c.cel).join(' || ')})`,
    messageExpression: `${clashes.map((c) => `${c.cel} ? '${clash(c.other, `' + self.${field} + '`)}'`).join(' : ')} : ''`,
    fieldPath: `.${field}`,
  };
});

/**
 * secretKeysSchema names the Secret data keys a token is written under. The
 * keys must be pairwise distinct: two fields under one key would leave the
 * token (or its id, expiry or origins) silently missing.
 */
export const secretKeysSchema = admit(
  z
    .strictObject({
      token: dataKey.default(defaults.token),
      expiresAt: dataKey.default(defaults.expiresAt),
      origins: dataKey.default(defaults.origins),
      tokenId: dataKey.default(defaults.tokenId),
    })
    .superRefine((keys, ctx) => {
      for (const field of names) {
        const other = others(field).find((o) => keys[o] === keys[field] && blames(field, o).zod(keys[field]));
        if (other !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: clash(other, keys[field]) });
      }
    }),
  distinctRules,
).default(defaults);
