import { describe, expect, it } from 'vitest';
import { capabilityTable } from '../platforms/registry.js';
import type { StorefrontTokenSpecInput } from './storefront-token.js';
import { formatPath, validateSpec, type ValidateOptions } from './validate.js';

// spec.secret.type and spec.secret.formats: what validateSpec (the operator
// and `terraform validate`) accepts and refuses, each refusal naming its
// field, before anything reaches a platform.

const options: ValidateOptions = { surface: 'kubernetes', now: new Date('2026-11-25T12:00:00Z'), capabilitiesOf: (p) => capabilityTable[p] };
const bigcommerce: StorefrontTokenSpecInput = {
  platform: 'bigcommerce', connectionRef: { name: 'bc' }, lifetime: { ttl: '720h' },
  bigcommerce: { storeHash: 'abc123', channelIds: [1] }, secret: { name: 'storefront' },
};
const cloudflare: StorefrontTokenSpecInput = {
  platform: 'cloudflare', connectionRef: { name: 'cf' }, secret: { name: 'edge' },
  cloudflare: { accountId: '0123456789abcdef0123456789abcdef', policies: [{ permissionGroups: ['c8fed203ed3043cba015a93ad1616f1f'], resources: { 'com.cloudflare.api.account.0123456789abcdef0123456789abcdef': '*' } }] },
};

function secret(input: StorefrontTokenSpecInput, extra: Record<string, unknown>): StorefrontTokenSpecInput {
  return { ...input, secret: { ...input.secret, ...extra } };
}

describe('secret shaping: accepted', () => {
  const accepted: { name: string; reason: string; input: StorefrontTokenSpecInput }[] = [
    { name: 'no type', reason: 'Opaque by default, as before', input: bigcommerce },
    { name: 'a type of your own', reason: 'a domain-qualified type lets consumers select Secrets by type', input: secret(bigcommerce, { type: 'example.com/storefront-token' }) },
    { name: 'basic-auth with the token as password', reason: 'the API server requires username or password for that type', input: secret(bigcommerce, { type: 'kubernetes.io/basic-auth', keys: { token: 'password' } }) },
    { name: 'basic-auth with a format under password', reason: 'a document key counts as a data key too', input: secret(bigcommerce, { type: 'kubernetes.io/basic-auth', formats: [{ key: 'password', format: 'json' }] }) },
    { name: 'json and dotenv with defaults', reason: 'fields may be left out', input: secret(bigcommerce, { formats: [{ key: 'token.json', format: 'json' }, { key: '.env', format: 'dotenv' }] }) },
    { name: 'Next.js names with block fields', reason: 'storeHash and channelIds are plain fields of the BigCommerce block', input: secret(bigcommerce, { formats: [{ key: '.env.local', format: 'dotenv', fields: { NEXT_PUBLIC_BIGCOMMERCE_STORE_HASH: 'storeHash', BIGCOMMERCE_CHANNEL_ID: 'channelIds', BIGCOMMERCE_STOREFRONT_TOKEN: 'token', BIGCOMMERCE_STOREFRONT_TOKEN_PREVIOUS: 'previousToken' } }] }) },
    { name: 'Workers names with placeholders', reason: '{{PLATFORM}} and {{NAME}} are environment-safe', input: secret(cloudflare, { formats: [{ key: '.dev.vars', format: 'dotenv', fields: { '{{PLATFORM}}_API_TOKEN': 'token', '{{PLATFORM}}_ACCOUNT_ID': 'accountId', '{{NAME}}_EXPIRES_AT': 'expiresAt' } }] }) },
  ];

  it.each(accepted)('accepts $name: $reason', ({ input }) => {
    const result = validateSpec(input, options);
    expect(result.ok ? [] : result.issues).toStrictEqual([]);
  });
});

describe('secret shaping: refused with the field and the reason', () => {
  const refused: { name: string; reason: string; input: StorefrontTokenSpecInput; path: string; message: RegExp }[] = [
    { name: 'fails on kubernetes.io/tls', reason: 'a TLS Secret needs a certificate and key a token cannot provide', input: secret(bigcommerce, { type: 'kubernetes.io/tls' }), path: 'spec.secret.type', message: /must be Opaque, kubernetes\.io\/basic-auth, or a type of your own/ },
    { name: 'fails on a built-in type of a kubernetes.io subdomain', reason: 'bootstrap.kubernetes.io/token is Kubernetes\' own too', input: secret(bigcommerce, { type: 'bootstrap.kubernetes.io/token' }), path: 'spec.secret.type', message: /type of your own/ },
    { name: 'fails on an unqualified type', reason: 'a type of your own carries a domain, so it cannot clash with Kubernetes\'', input: secret(bigcommerce, { type: 'storefront' }), path: 'spec.secret.type', message: /example\.com\/storefront-token/ },
    { name: 'fails on basic-auth without username or password', reason: 'the API server would refuse the write after the token was issued', input: secret(bigcommerce, { type: 'kubernetes.io/basic-auth' }), path: 'spec.secret.type', message: /requires a data key username or password: set secret\.keys\.token to password/ },
    { name: 'fails on a format under the token key', reason: 'the document would overwrite the token', input: secret(bigcommerce, { formats: [{ key: 'token', format: 'json' }] }), path: 'spec.secret.formats[0].key', message: /must differ from secret\.keys\.token: both name the data key "token"/ },
    { name: 'fails on two formats under one key', reason: 'the second document would overwrite the first', input: secret(bigcommerce, { formats: [{ key: '.env', format: 'dotenv' }, { key: '.env', format: 'json' }] }), path: 'spec.secret.formats[1].key', message: /must differ from secret\.formats\[0\]\.key/ },
    { name: 'fails on a format under previousToken', reason: 'the overlap publishes the previous token there', input: secret(bigcommerce, { formats: [{ key: 'previousToken', format: 'json' }] }), path: 'spec.secret.formats[0].key', message: /must not be previousToken or previousExpiresAt/ },
    { name: 'fails on an unknown format', reason: 'only json and dotenv are written', input: secret(bigcommerce, { formats: [{ key: 'token.yaml', format: 'yaml' }] }), path: 'spec.secret.formats[0].format', message: /json|dotenv/ },
    { name: 'fails on a dotenv name with a dash', reason: 'shells and dotenv readers take letters, digits and _ only', input: secret(bigcommerce, { formats: [{ key: '.env', format: 'dotenv', fields: { 'STORE-HASH': 'storeHash' } }] }), path: 'spec.secret.formats[0].fields.STORE-HASH', message: /environment variable names/ },
    { name: 'fails on {{name}} in a dotenv name', reason: 'the Secret name may hold - and .; {{NAME}} is its variable-safe form', input: secret(bigcommerce, { formats: [{ key: '.env', format: 'dotenv', fields: { '{{name}}_TOKEN': 'token' } }] }), path: 'spec.secret.formats[0].fields.{{name}}_TOKEN', message: /may hold \{\{platform\}\}, \{\{PLATFORM\}\} and \{\{NAME\}\}/ },
    { name: 'fails on an unknown placeholder', reason: 'a typo must not be written out literally', input: secret(bigcommerce, { formats: [{ key: 'a.json', format: 'json', fields: { '{{store}}': 'storeHash' } }] }), path: 'spec.secret.formats[0].fields.{{store}}', message: /no placeholders but/ },
    { name: 'fails on a value the token does not have', reason: 'a misspelt value would silently be empty', input: secret(bigcommerce, { formats: [{ key: 'a.json', format: 'json', fields: { t: 'tokn' } }] }), path: 'spec.secret.formats[0].fields.t', message: /must name a value of a bigcommerce token: one of token, .*storeHash/ },
    { name: 'fails on another platform\'s field', reason: 'a BigCommerce token has no accountId', input: secret(bigcommerce, { formats: [{ key: 'a.json', format: 'json', fields: { account: 'accountId' } }] }), path: 'spec.secret.formats[0].fields.account', message: /must name a value of a bigcommerce token/ },
    { name: 'fails on a policy list as a value', reason: 'only plain fields of the block are values; policies are objects', input: secret(cloudflare, { formats: [{ key: 'a.json', format: 'json', fields: { p: 'policies' } }] }), path: 'spec.secret.formats[0].fields.p', message: /must name a value of a cloudflare token/ },
    { name: 'fails on names that render alike', reason: '{{PLATFORM}}_TOKEN and BIGCOMMERCE_TOKEN would be one variable', input: secret(bigcommerce, { formats: [{ key: '.env', format: 'dotenv', fields: { BIGCOMMERCE_TOKEN: 'token', '{{PLATFORM}}_TOKEN': 'previousToken' } }] }), path: 'spec.secret.formats[0].fields.{{PLATFORM}}_TOKEN', message: /becomes "BIGCOMMERCE_TOKEN", as "BIGCOMMERCE_TOKEN" does/ },
    { name: 'fails on {{NAME}} rendering to a leading digit', reason: 'a Secret named 1shop gives 1SHOP_TOKEN, not a variable name', input: { ...secret(bigcommerce, { formats: [{ key: '.env', format: 'dotenv', fields: { '{{NAME}}_TOKEN': 'token' } }] }), secret: { name: '1shop', formats: [{ key: '.env', format: 'dotenv', fields: { '{{NAME}}_TOKEN': 'token' } }] } }, path: 'spec.secret.formats[0].fields.{{NAME}}_TOKEN', message: /becomes "1SHOP_TOKEN", which is not an environment variable name/ },
    { name: 'fails on nine formats', reason: 'the list is bounded for the CRD\'s rules', input: secret(bigcommerce, { formats: Array.from({ length: 9 }, (_, i) => ({ key: `f${i}.json`, format: 'json' })) }), path: 'spec.secret.formats', message: /at most 8 formats/ },
  ];

  it.each(refused)('$name: $reason', ({ input, path, message }) => {
    const result = validateSpec(input, options);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const issue = result.issues.find((i) => formatPath(i.path) === path);
    expect(issue, `issues: ${JSON.stringify(result.issues)}`).toBeDefined();
    expect(issue?.message).toMatch(message);
  });
});
