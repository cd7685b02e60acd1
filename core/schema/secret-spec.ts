import { z } from 'zod';
import { admit, celList, type AdmissionRule } from './admission.js';
import { field } from './meta.js';
import { secretFormatsSchema } from './secret-format.js';
import { SECRET_KEY_DEFAULTS, secretKeysSchema } from './secret-keys.js';
import { secretNameSchema } from './secret-name.js';
import { demandMessage, secretTypeDemands, secretTypeSchema } from './secret-type.js';

// spec.secret: which Secret receives the token, of which type, under which
// keys and in which documents. The rules here span its fields: every data
// key is written once (a key named twice would lose one of the values), and
// a type that requires keys gets them, so the API server never refuses a
// write after the token was issued.

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const keyNames = Object.keys(SECRET_KEY_DEFAULTS) as (keyof typeof SECRET_KEY_DEFAULTS)[];

/** ShapedKeys is the part of spec.secret that decides which data keys a Secret holds. */
export interface ShapedKeys {
  readonly keys: Readonly<Record<string, string>>;
  readonly formats?: readonly { readonly key: string }[] | undefined;
}

/** dataKeysOf lists the data keys a Secret of this spec holds besides the overlap's previous token. */
export function dataKeysOf(secret: ShapedKeys): string[] {
  return [...Object.values(secret.keys), ...(secret.formats ?? []).map((f) => f.key)];
}

const formatKeyClash = (where: string, key: string): string => `must differ from ${where}: both name the data key "${key}", so one would overwrite the other in the Secret`;

function formatKeyIssues(secret: ShapedKeys, ctx: z.core.$RefinementCtx): void {
  (secret.formats ?? []).forEach((format, i) => {
    const single = keyNames.find((name) => secret.keys[name] === format.key);
    const earlier = (secret.formats ?? []).slice(0, i).findIndex((f) => f.key === format.key);
    const where = single !== undefined ? `secret.keys.${single}` : earlier >= 0 ? `secret.formats[${earlier}].key` : undefined;
    if (where !== undefined) ctx.addIssue({ code: 'custom', path: ['formats', i, 'key'], message: formatKeyClash(where, format.key) });
  });
}

function typeIssues(secret: ShapedKeys & { readonly type: string }, ctx: z.core.$RefinementCtx): void {
  const demand = secretTypeDemands[secret.type];
  if (demand !== undefined && !dataKeysOf(secret).some((key) => demand.anyOf.includes(key))) {
    ctx.addIssue({ code: 'custom', path: ['type'], message: demandMessage(secret.type, demand) });
  }
}

// The same rules in CEL. Keys left out take their defaults (the API server
// fills them in before the rules run; the fallbacks cover a partial object).
const celKey = (name: keyof typeof SECRET_KEY_DEFAULTS): string => `(has(self.keys) && has(self.keys.${name}) ? self.keys.${name} : '${SECRET_KEY_DEFAULTS[name]}')`;
const celKeys = `[${keyNames.map(celKey).join(', ')}]`;
const celFormatKeys = '(has(self.formats) ? self.formats.filter(f, has(f.key)).map(f, f.key) : [])';
const formatKeyMessage = 'each format key must differ from the secret.keys values: both would name one data key, so one would overwrite the other in the Secret';
const secretRules: AdmissionRule[] = [
  { rule: `!has(self.formats) || self.formats.all(f, !has(f.key) || !(f.key in ${celKeys}))`, message: formatKeyMessage, fieldPath: '.formats' },
  ...Object.entries(secretTypeDemands).map(([type, demand]) => ({
    rule: `!has(self.type) || self.type != '${type}' || (${celKeys} + ${celFormatKeys}).exists(k, k in ${celList(demand.anyOf)})`,
    message: demandMessage(type, demand),
    fieldPath: '.type',
  })),
];

const distinctFormats = 'each format must have a key of its own: two documents under one data key would overwrite each other';

/** secretSpecSchema says which Kubernetes Secret receives the issued value, and how. */
export const secretSpecSchema = admit(
  z
    .strictObject({
      name: field(secretNameSchema, {
        description: 'Name of the Secret that receives the token; not a state Secret (sftoken-state-*, sftoken-tfstate-*).',
      }),
      namespace: field(z.string().max(63).regex(dnsLabel, { message: 'must be a valid Kubernetes namespace name' }).optional(), {
        description: 'Namespace of the Secret (Terraform only; the operator always writes into the token\'s own namespace).',
        surfaces: ['terraform'],
      }),
      type: field(secretTypeSchema, {
        description: 'Kubernetes Secret type: Opaque, kubernetes.io/basic-auth (needs a data key password or username, e.g. keys.token: password), or a type of your own such as example.com/storefront-token. Kubernetes never changes a Secret\'s type, so a change replaces the Secret (deleted and written again at once; the token is kept throughout).',
      }),
      keys: field(secretKeysSchema, {
        description: 'Data keys to write, pairwise distinct: the token value, and the non-secret expiry, origins and token id.',
      }),
      formats: field(
        admit(secretFormatsSchema, [{ rule: `self.all(f, !has(f.key) || self.exists_one(g, has(g.key) && g.key == f.key))`, message: distinctFormats }]).optional(),
        {
          description: 'Documents written beside the single keys, for consumers that mount one file (Next.js .env, Hydrogen, Cloudflare Workers .dev.vars or `wrangler secret bulk`). Each has a key (its data key, distinct from secret.keys and the other formats), a format (json: one JSON object of strings; dotenv: NAME=\'value\' lines) and fields (name in the document → value: token, expiresAt, tokenId, origins, previousToken, previousExpiresAt, platform or a plain field of the platform block such as storeHash; names may hold {{platform}}, {{PLATFORM}}, {{name}} and {{NAME}}). During a rotation overlap they hold the previous token too, where they name it. See docs/operator.md, Secret shaping.',
        },
      ),
      labels: field(z.record(z.string(), z.string()).default({}), { description: 'Labels added to the Secret.' }),
      annotations: field(z.record(z.string(), z.string()).default({}), { description: 'Annotations added to the Secret.' }),
      onRevoke: field(z.enum(['Empty', 'Delete']).default('Empty'), {
        description: 'What happens to the Secret once the token is revoked: Empty keeps it with the token key and the format documents emptied; Delete removes it.',
      }),
    })
    .superRefine((secret, ctx) => {
      formatKeyIssues(secret, ctx);
      typeIssues(secret, ctx);
    }),
  secretRules,
);
