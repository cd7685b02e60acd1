import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isCoreError } from '../errors.js';
import type { DurableState } from '../reconcile/durable-state.js';
import { SecretValue } from '../secret.js';
import { storefrontTokenSpecSchema, type StorefrontTokenSpec, type StorefrontTokenSpecInput } from '../schema/storefront-token.js';
import { classifySecret, destinationContent, retractedContent } from './secret-content.js';

// The shaped Secret as both front ends write it: single keys, JSON and
// dotenv documents built from the same values, the Secret type, and what a
// revocation leaves. Values here are fixtures, not issued tokens.

const CURRENT = 'eyJhbGciOiJFUzI1NiJ9.current.sig';
const PREVIOUS = 'eyJhbGciOiJFUzI1NiJ9.previous.sig';

const base: StorefrontTokenSpecInput = {
  platform: 'bigcommerce',
  connectionRef: { name: 'bc' },
  lifetime: { ttl: '720h' },
  bigcommerce: { storeHash: 'abc123', channelIds: [1, 2], allowedCorsOrigins: ['https://shop.example.com'] },
  secret: { name: 'storefront' },
};

function spec(secret: Record<string, unknown>): StorefrontTokenSpec {
  return storefrontTokenSpecSchema.parse({ ...base, secret: { name: 'storefront', ...secret } });
}

const issued: DurableState = {
  current: { id: 'abc123/fp1', fingerprint: new SecretValue(CURRENT).fingerprint, issuedAt: '2026-12-01T00:00:00.000Z', expiresAt: '2026-12-31T00:00:00.000Z', value: new SecretValue(CURRENT) },
  history: [],
  notes: [],
};
const overlap: DurableState = {
  ...issued,
  previous: { id: 'abc123/fp0', fingerprint: new SecretValue(PREVIOUS).fingerprint, issuedAt: '2026-11-01T00:00:00.000Z', expiresAt: '2026-12-01T00:00:00.000Z', value: new SecretValue(PREVIOUS), revokeAt: '2026-11-30T00:10:00.000Z', retired: 'Rotated' },
};

const json = (key: string, fields?: Record<string, string>): Record<string, unknown> => ({ key, format: 'json', ...(fields === undefined ? {} : { fields }) });
const dotenv = (key: string, fields?: Record<string, string>): Record<string, unknown> => ({ key, format: 'dotenv', ...(fields === undefined ? {} : { fields }) });

function data(s: StorefrontTokenSpec, state: DurableState): Readonly<Record<string, string>> {
  const content = destinationContent(s, state);
  if (content === undefined) throw new Error('no content');
  return content.data;
}

describe('destinationContent renders formats from the values the single keys hold', () => {
  const cases: { name: string; reason: string; secret: Record<string, unknown>; state: DurableState; key: string; want: string }[] = [
    {
      name: 'json with its default fields',
      reason: 'left out, fields are every common value but platform, under their own names, sorted; no previous outside an overlap',
      secret: { formats: [json('token.json')] }, state: issued, key: 'token.json',
      want: `${JSON.stringify({ expiresAt: '2026-12-31T00:00:00.000Z', origins: 'https://shop.example.com', token: CURRENT, tokenId: 'abc123/fp1' }, null, 2)}\n`,
    },
    {
      name: 'json during an overlap',
      reason: 'the previous token and its end are in the document exactly when the single keys hold them; its end is the earlier of expiry and revokeAt',
      secret: { formats: [json('token.json')] }, state: overlap, key: 'token.json',
      want: `${JSON.stringify({ expiresAt: '2026-12-31T00:00:00.000Z', origins: 'https://shop.example.com', previousExpiresAt: '2026-11-30T00:10:00.000Z', previousToken: PREVIOUS, token: CURRENT, tokenId: 'abc123/fp1' }, null, 2)}\n`,
    },
    {
      name: 'dotenv with its default names during an overlap',
      reason: 'default variable names are upper snake case; every value single-quoted',
      secret: { formats: [dotenv('.env')] }, state: overlap, key: '.env',
      want: `EXPIRES_AT='2026-12-31T00:00:00.000Z'\nORIGINS='https://shop.example.com'\nPREVIOUS_EXPIRES_AT='2026-11-30T00:10:00.000Z'\nPREVIOUS_TOKEN='${PREVIOUS}'\nTOKEN='${CURRENT}'\nTOKEN_ID='abc123/fp1'\n`,
    },
    {
      name: 'dotenv with templated names and block fields',
      reason: '{{PLATFORM}} and {{NAME}} are filled in; storeHash and channelIds come from the platform block, lists comma-separated',
      secret: { formats: [dotenv('.env', { 'NEXT_PUBLIC_{{PLATFORM}}_STORE_HASH': 'storeHash', '{{PLATFORM}}_STOREFRONT_TOKEN': 'token', '{{PLATFORM}}_CHANNEL_ID': 'channelIds', '{{NAME}}_PLATFORM': 'platform' })] },
      state: issued, key: '.env',
      want: `BIGCOMMERCE_CHANNEL_ID='1,2'\nBIGCOMMERCE_STOREFRONT_TOKEN='${CURRENT}'\nNEXT_PUBLIC_BIGCOMMERCE_STORE_HASH='abc123'\nSTOREFRONT_PLATFORM='bigcommerce'\n`,
    },
    {
      name: 'dotenv naming previousToken outside an overlap',
      reason: 'a value the token does not have right now is left out, not written empty, as the single keys do',
      secret: { formats: [dotenv('.env', { TOKEN: 'token', FALLBACK: 'previousToken' })] }, state: issued, key: '.env',
      want: `TOKEN='${CURRENT}'\n`,
    },
    {
      name: 'json with {{name}} and {{platform}}',
      reason: 'json names may hold the Secret name as written; an unset block field is empty',
      secret: { formats: [json('cfg.json', { '{{name}}.{{platform}}.token': 'token', scopes: 'scopes' })] }, state: issued, key: 'cfg.json',
      want: `${JSON.stringify({ scopes: '', 'storefront.bigcommerce.token': CURRENT }, null, 2)}\n`,
    },
  ];

  it.each(cases)('$name: $reason', ({ secret, state, key, want }) => {
    expect(data(spec(secret), state)[key]).toBe(want);
  });

  it('keeps the single keys and adds one key per format, with the Secret type', () => {
    const content = destinationContent(spec({ type: 'kubernetes.io/basic-auth', keys: { token: 'password', tokenId: 'username' }, formats: [json('token.json'), dotenv('.env')] }), overlap);
    expect(content?.type).toBe('kubernetes.io/basic-auth');
    expect(Object.keys(content?.data ?? {}).sort()).toStrictEqual(['.env', 'expiresAt', 'origins', 'password', 'previousExpiresAt', 'previousToken', 'token.json', 'username']);
    expect(content?.data['password']).toBe(CURRENT);
    expect(parseEnv(content?.data['.env'] ?? '')).toMatchObject({ TOKEN: CURRENT, PREVIOUS_TOKEN: PREVIOUS });
    expect(JSON.parse(content?.data['token.json'] ?? '{}')).toMatchObject({ token: CURRENT, previousToken: PREVIOUS });
  });

  it('fails with ERR_UNSUPPORTED naming the format and variable when a value cannot go into a dotenv file', () => {
    const odd: DurableState = { ...issued, current: { ...issued.current, fingerprint: 'x', issuedAt: '2026-12-01T00:00:00.000Z', value: new SecretValue('to$ken') } };
    let caught: unknown;
    try {
      destinationContent(spec({ formats: [dotenv('.env', { TOKEN: 'token' })] }), odd);
    } catch (error) {
      caught = error;
    }
    expect(isCoreError(caught, 'ERR_UNSUPPORTED')).toBe(true);
    expect((caught as Error).message).toMatch(/TOKEN into the dotenv document \.env/);
    expect((caught as Error).message).not.toContain('to$ken');
  });
});

describe('retractedContent and classifySecret with formats', () => {
  it('empties the token key and every format document on revocation, keeping the type', () => {
    const s = spec({ type: 'example.com/storefront-token', formats: [json('token.json'), dotenv('.env')] });
    const published = destinationContent(s, overlap);
    if (published === undefined) throw new Error('no content');
    const retracted = retractedContent(published, s);
    expect(retracted.type).toBe('example.com/storefront-token');
    expect(retracted.data).toMatchObject({ token: '', 'token.json': '', '.env': '', tokenId: 'abc123/fp1' });
    expect(Object.values(retracted.data).some((v) => v.includes(CURRENT) || v.includes(PREVIOUS))).toBe(false);
  });

  const classify: { name: string; reason: string; actual: (s: StorefrontTokenSpec) => { type: string; data: Record<string, string> }; want: string }[] = [
    { name: 'current', reason: 'what we would publish', actual: (s) => ({ type: 'Opaque', data: { ...data(s, issued) } }), want: 'current' },
    { name: 'stale after a type change', reason: 'Kubernetes cannot change the type in place, so the Secret must be replaced', actual: (s) => ({ type: 'example.com/old', data: { ...data(s, issued) } }), want: 'stale' },
    { name: 'stale when a document was edited', reason: 'a hand-edited .env is repaired like a hand-edited key', actual: (s) => ({ type: 'Opaque', data: { ...data(s, issued), '.env': "TOKEN='other'\n" } }), want: 'stale' },
  ];

  it.each(classify)('$name: $reason', ({ actual, want }) => {
    const s = spec({ formats: [dotenv('.env')] });
    const published = destinationContent(s, issued);
    const found = { owned: true, content: { ...actual(s), labels: {}, annotations: { ...published?.annotations } } };
    expect(classifySecret(found, s, issued)).toBe(want);
  });

  it('calls a revoked token\'s Secret stale while a document still holds a token, so it is retracted again', () => {
    const s = spec({ formats: [dotenv('.env')] });
    const revoked: DurableState = { history: [], notes: [], revokedAt: '2026-12-02T00:00:00.000Z' };
    const content = (envFile: string): { owned: boolean; content: { type: string; data: Record<string, string>; labels: Record<string, string>; annotations: Record<string, string> } } => ({ owned: true, content: { type: 'Opaque', data: { token: '', '.env': envFile }, labels: {}, annotations: {} } });
    expect(classifySecret(content(`TOKEN='${CURRENT}'\n`), s, revoked)).toBe('stale');
    expect(classifySecret(content(''), s, revoked)).toBe('missing');
  });

  it('decides on a token whose value a dotenv file cannot carry instead of throwing', () => {
    const s = spec({ formats: [dotenv('.env')] });
    const odd: DurableState = { ...issued, current: { ...issued.current, fingerprint: 'x', issuedAt: '2026-12-01T00:00:00.000Z', value: new SecretValue('to$ken') } };
    expect(classifySecret({ owned: true, content: { type: 'Opaque', data: {}, labels: {}, annotations: {} } }, s, odd)).toBe('stale');
  });
});
