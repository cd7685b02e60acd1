import { describe, expect, it } from 'vitest';
import { capabilityTable } from '../platforms/registry.js';
import type { StorefrontTokenSpecInput } from './storefront-token.js';
import { formatPath, validateSpec, validateTransition, type ValidateOptions } from './validate.js';

const now = new Date('2026-11-25T12:00:00Z');
const options: ValidateOptions = { surface: 'kubernetes', now, capabilitiesOf: (p) => capabilityTable[p] };
const conn = { name: 'sandbox' };
const secret = { name: 'shop-token' };
const bigcommerce: StorefrontTokenSpecInput = {
  platform: 'bigcommerce', connectionRef: conn, secret, lifetime: { ttl: '720h' },
  bigcommerce: { storeHash: 'abc123', channelIds: [1], allowedCorsOrigins: ['https://shop.example.com'] },
};
const cloudflare: StorefrontTokenSpecInput = {
  platform: 'cloudflare', connectionRef: conn, secret, displayName: 'edge worker',
  cloudflare: { accountId: '0123456789abcdef0123456789abcdef', policies: [{ permissionGroups: ['c8fed203ed3043cba015a93ad1616f1f'], resources: { 'com.cloudflare.api.account.0123456789abcdef0123456789abcdef': '*' } }] },
};
const wizcommerce: StorefrontTokenSpecInput = { platform: 'wizcommerce', connectionRef: conn, secret, wizcommerce: { accountEmail: 'ops@example.com' } };
const avvyr: StorefrontTokenSpecInput = { platform: 'avvyr', connectionRef: conn, secret, avvyr: { tenantId: 't1', allowedOrigins: ['https://shop.example.com'] } };

function withField<T extends object>(base: T, patch: Record<string, unknown>): T {
  return { ...base, ...patch };
}

describe('validateSpec rejects bad input with the field and the reason', () => {
  const cases: { name: string; reason: string; input: unknown; path: string; message: RegExp }[] = [
    { name: 'unknown platform', reason: 'a typo in the platform must name the choices', input: withField(avvyr, { platform: 'shopify' }), path: 'spec.platform', message: /one of bigcommerce, cloudflare, wizcommerce, avvyr/ },
    { name: 'platform block mismatch', reason: 'a block for another platform is a mistake, not a no-op', input: withField(avvyr, { bigcommerce: bigcommerce.bigcommerce }), path: 'spec.bigcommerce', message: /does not apply to avvyr/ },
    { name: 'missing platform block', reason: 'the scope lives in the platform block', input: withField(cloudflare, { cloudflare: undefined }), path: 'spec.cloudflare', message: /required when platform is cloudflare/ },
    { name: 'three BigCommerce origins', reason: 'BigCommerce accepts at most two', input: withField(bigcommerce, { bigcommerce: { storeHash: 'abc123', channelIds: [1], allowedCorsOrigins: ['https://a.example', 'https://b.example', 'https://c.example'] } }), path: 'spec.bigcommerce.allowedCorsOrigins', message: /at most 2 origins/ },
    { name: 'origin with a path', reason: 'a path never matches an Origin header', input: withField(avvyr, { avvyr: { tenantId: 't1', allowedOrigins: ['https://shop.example.com/cart'] } }), path: 'spec.avvyr.allowedOrigins[0]', message: /path/ },
    { name: 'origin with trailing slash', reason: 'BigCommerce answers 422 has_invalid_suffix', input: withField(bigcommerce, { bigcommerce: { storeHash: 'abc123', channelIds: [1], allowedCorsOrigins: ['https://shop.example.com/'] } }), path: 'spec.bigcommerce.allowedCorsOrigins[0]', message: /trailing|slash/ },
    { name: 'expiry in the past', reason: 'the platform would reject or issue a dead token', input: withField(cloudflare, { lifetime: { expiresAt: '2020-01-01T00:00:00Z' } }), path: 'spec.lifetime.expiresAt', message: /in the past/ },
    { name: 'BigCommerce without lifetime', reason: 'expires_at is required by the API', input: withField(bigcommerce, { lifetime: undefined }), path: 'spec.lifetime', message: /required/ },
    { name: 'WizCommerce with lifetime', reason: 'WizCommerce fixes a one-year lifetime', input: withField(wizcommerce, { lifetime: { ttl: '24h' } }), path: 'spec.lifetime', message: /365 days/ },
    { name: 'both ttl and expiresAt', reason: 'two expiries cannot both hold', input: withField(cloudflare, { lifetime: { ttl: '24h', expiresAt: '2027-01-01T00:00:00Z' } }), path: 'spec.lifetime', message: /exactly one/ },
    { name: 'bad duration', reason: 'durations are Go-style', input: withField(cloudflare, { lifetime: { ttl: '3 days' } }), path: 'spec.lifetime.ttl', message: /duration/ },
    { name: 'private token without scopes', reason: 'the private endpoint requires scopes', input: withField(bigcommerce, { bigcommerce: { storeHash: 'abc123', kind: 'private', channelIds: [1] } }), path: 'spec.bigcommerce.scopes', message: /required for private/ },
    { name: 'origins on an impersonation token', reason: 'only the storefront endpoint takes origins', input: withField(bigcommerce, { bigcommerce: { storeHash: 'abc123', kind: 'customerImpersonation', channelIds: [1], allowedCorsOrigins: ['https://a.example'] } }), path: 'spec.bigcommerce.allowedCorsOrigins', message: /only to storefront/ },
    { name: 'no channels', reason: 'BigCommerce requires one of channel_id/channel_ids', input: withField(bigcommerce, { bigcommerce: { storeHash: 'abc123', channelIds: [] } }), path: 'spec.bigcommerce.channelIds', message: /at least one/ },
    { name: 'display name on BigCommerce', reason: 'BigCommerce tokens have no name', input: withField(bigcommerce, { displayName: 'x' }), path: 'spec.displayName', message: /does not apply to bigcommerce/ },
    { name: 'market level without market', reason: 'a market token needs its market', input: withField(avvyr, { avvyr: { tenantId: 't1', level: 'market' } }), path: 'spec.avvyr.marketId', message: /required when level is market/ },
    { name: 'bad account id', reason: 'Cloudflare ids are 32 hex', input: withField(cloudflare, { cloudflare: { accountId: 'acct', policies: [] } }), path: 'spec.cloudflare.accountId', message: /32-character hex/ },
    { name: 'bad CIDR', reason: 'the IP condition takes CIDRs', input: withField(cloudflare, { cloudflare: { ...cloudflare.cloudflare, condition: { requestIp: { in: ['10.0.0.300/8'] } } } }), path: 'spec.cloudflare.condition.requestIp.in[0]', message: /CIDR/ },
    { name: 'renewBefore longer than lifetime', reason: 'the token would be renewed before it was issued', input: withField(bigcommerce, { rotation: { renewBefore: '800h' } }), path: 'spec.rotation.renewBefore', message: /shorter than the token lifetime/ },
    { name: 'rotation without expiry', reason: 'Avvyr tokens never expire, so there is nothing to renew before', input: withField(avvyr, { rotation: { overlap: '5m' } }), path: 'spec.rotation', message: /needs tokens that expire/ },
    { name: 'overlap longer than renewBefore', reason: 'the old token would expire during the overlap', input: withField(bigcommerce, { rotation: { renewBefore: '1h', overlap: '2h' } }), path: 'spec.rotation.overlap', message: /must not exceed renewBefore/ },
    { name: 'secret name not a DNS name', reason: 'Kubernetes would reject it later', input: withField(avvyr, { secret: { name: 'Shop_Token' } }), path: 'spec.secret.name', message: /Kubernetes object name/ },
    { name: 'unknown field', reason: 'a typo must not be silently dropped', input: withField(avvyr, { revokd: true }), path: 'spec', message: /unknown field revokd/ },
    { name: 'secret namespace on Kubernetes', reason: 'the operator writes only into the token namespace', input: withField(avvyr, { secret: { name: 's', namespace: 'other' } }), path: 'spec.secret.namespace', message: /not available on kubernetes/ },
    { name: 'no connection on Kubernetes', reason: 'the operator needs to know which connection to use', input: withField(avvyr, { connectionRef: undefined }), path: 'spec.connectionRef', message: /required/ },
    { name: 'missing secret', reason: 'the token must be delivered somewhere', input: withField(avvyr, { secret: undefined }), path: 'spec.secret', message: /required/ },
    { name: 'token and token id share a key', reason: 'the Secret would hold the token id instead of the token', input: withField(avvyr, { secret: { name: 's', keys: { token: 'value', tokenId: 'value' } } }), path: 'spec.secret.keys.tokenId', message: /must differ from secret\.keys\.token: both name the data key "value"/ },
    { name: 'token under the expiry key', reason: 'the error goes on the key the person changed, not on the default it collides with', input: withField(avvyr, { secret: { name: 's', keys: { token: 'expiresAt' } } }), path: 'spec.secret.keys.token', message: /must differ from secret\.keys\.expiresAt/ },
    { name: 'origins under the token key', reason: 'any two keys clash, not only the token', input: withField(avvyr, { secret: { name: 's', keys: { origins: 'token' } } }), path: 'spec.secret.keys.origins', message: /must differ from secret\.keys\.token/ },
    { name: 'secret key previousToken', reason: 'the engine publishes the previous token under that key during an overlap', input: withField(avvyr, { secret: { name: 's', keys: { tokenId: 'previousToken' } } }), path: 'spec.secret.keys.tokenId', message: /must not be previousToken or previousExpiresAt/ },
    { name: 'secret key ..', reason: 'Kubernetes refuses . and .. as data keys', input: withField(avvyr, { secret: { name: 's', keys: { token: '..' } } }), path: 'spec.secret.keys.token', message: /Secret data key/ },
    { name: 'secret is the operator state', reason: 'sftoken-state-* holds what revocation needs', input: withField(avvyr, { secret: { name: 'sftoken-state-shop' } }), path: 'spec.secret.name', message: /reserved for the state Secrets/ },
    { name: 'secret is the provider state', reason: 'sftoken-tfstate-* is the Terraform provider\'s', input: withField(avvyr, { secret: { name: 'sftoken-tfstate-shop' } }), path: 'spec.secret.name', message: /must not start with sftoken-state- or sftoken-tfstate-/ },
    { name: 'tenant id with a path', reason: 'a / or .. in the tenant id would change the API path', input: withField(avvyr, { avvyr: { tenantId: 'a/../b' } }), path: 'spec.avvyr.tenantId', message: /Avvyr tenant id/ },
    { name: 'market id with a dot', reason: 'market ids go into the path too', input: withField(avvyr, { avvyr: { tenantId: 't1', level: 'market', marketId: '..' } }), path: 'spec.avvyr.marketId', message: /Avvyr market id/ },
    { name: 'store hash with a slash', reason: 'the store hash is a path segment', input: withField(bigcommerce, { bigcommerce: { storeHash: 'abc/def', channelIds: [1] } }), path: 'spec.bigcommerce.storeHash', message: /store hash/ },
    { name: 'permission group not an id', reason: 'Cloudflare permission group ids are 32 hex', input: withField(cloudflare, { cloudflare: { accountId: '0123456789abcdef0123456789abcdef', policies: [{ permissionGroups: ['Zone Read'], resources: { x: '*' } }] } }), path: 'spec.cloudflare.policies[0].permissionGroups[0]', message: /32-character hex permission group id/ },
    { name: 'CIDR with a leading zero', reason: 'the API server reads CIDRs the way Go does, which refuses octal-looking octets', input: withField(cloudflare, { cloudflare: { ...cloudflare.cloudflare, condition: { requestIp: { in: ['010.0.0.0/8'] } } } }), path: 'spec.cloudflare.condition.requestIp.in[0]', message: /CIDR/ },
    { name: 'CIDR with a zone', reason: 'a prefix has no IPv6 zone', input: withField(cloudflare, { cloudflare: { ...cloudflare.cloudflare, condition: { requestIp: { in: ['fe80::1%eth0/64'] } } } }), path: 'spec.cloudflare.condition.requestIp.in[0]', message: /CIDR/ },
    { name: 'origin with an underscore host', reason: 'the CRD matches origins by pattern, so validateSpec refuses what it refuses', input: withField(avvyr, { avvyr: { tenantId: 't1', allowedOrigins: ['https://shop_x.example.com'] } }), path: 'spec.avvyr.allowedOrigins[0]', message: /lowercase host name/ },
    { name: 'duration too long', reason: 'nine digits per unit keep CEL arithmetic inside int64', input: withField(cloudflare, { lifetime: { ttl: '1234567890h' } }), path: 'spec.lifetime.ttl', message: /duration/ },
  ];
  it.each(cases)('fails: $name ($reason)', ({ input, path, message }) => {
    const result = validateSpec(input, options);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const issue = result.issues.find((i) => formatPath(i.path) === path);
    expect(issue, `issues were: ${JSON.stringify(result.issues)}`).toBeDefined();
    expect(issue?.message).toMatch(message);
  });

  it('names the lifetime in the renewBefore message', () => {
    const result = validateSpec(withField(bigcommerce, { rotation: { renewBefore: '800h' } }), options);
    expect(result.ok ? [] : result.issues.map((i) => i.message)).toContain('must be shorter than the token lifetime (800h is not shorter than 720h)');
  });

  it.each([
    { name: 'bigcommerce', input: bigcommerce },
    { name: 'cloudflare', input: cloudflare },
    { name: 'wizcommerce', input: wizcommerce },
    { name: 'avvyr', input: avvyr },
  ])('accepts a minimal valid $name spec and fills defaults', ({ input }) => {
    const result = validateSpec(input, options);
    expect(result.ok ? result.spec.revoked : result.issues).toBe(false);
  });

  it('warns, without failing, when Avvyr origins are empty', () => {
    const result = validateSpec(withField(avvyr, { avvyr: { tenantId: 't1', allowedOrigins: [] } }), options);
    expect(result.ok).toBe(true);
    expect(result.ok && result.warnings.map((w) => formatPath(w.path))).toEqual(['spec.avvyr.allowedOrigins']);
  });
});

describe('validateSpec on terraform (what terraform validate runs) refuses the same', () => {
  const terraform: ValidateOptions = { ...options, surface: 'terraform' };
  const tf = (input: StorefrontTokenSpecInput): StorefrontTokenSpecInput => ({ ...input, connectionRef: undefined });
  it.each([
    { name: 'tenant id with a path', reason: 'issue 11: tenantId "a/../b" was accepted and Ready waited forever', input: withField(tf(avvyr), { avvyr: { tenantId: 'a/../b' } }), path: 'spec.avvyr.tenantId' },
    { name: 'keys that clash', reason: 'issue 11: the Secret held the token id instead of the token', input: withField(tf(avvyr), { secret: { name: 's', keys: { token: 'value', tokenId: 'value' } } }), path: 'spec.secret.keys.tokenId' },
    { name: 'a state Secret', reason: 'the provider state Secret must not be overwritten by a token', input: withField(tf(avvyr), { secret: { name: 'sftoken-tfstate-shop' } }), path: 'spec.secret.name' },
  ])('fails: $name ($reason)', ({ input, path }) => {
    const result = validateSpec(input, terraform);
    expect(result.ok ? [] : result.issues.map((i) => formatPath(i.path))).toEqual([path]);
  });

  it('does not require connectionRef, which is Kubernetes only', () => {
    expect(validateSpec(tf(avvyr), terraform).ok).toBe(true);
  });
});

describe('validateTransition', () => {
  const parse = (input: unknown) => {
    const result = validateSpec(input, options);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    return result.spec;
  };
  it('fails: revoked goes back to false, because revocation is one way', () => {
    const issues = validateTransition(parse(withField(avvyr, { revoked: true })), parse(avvyr), { immutable: true });
    expect(issues.map((i) => formatPath(i.path))).toEqual(['spec.revoked']);
  });
  it('fails: the store changes, because it names the token scope', () => {
    const next = withField(bigcommerce, { bigcommerce: { ...bigcommerce.bigcommerce, storeHash: 'other' } });
    expect(validateTransition(parse(bigcommerce), parse(next), { immutable: true }).map((i) => formatPath(i.path))).toEqual(['spec.bigcommerce.storeHash']);
  });
  it('allows origins to change, because that is a rotation or an in-place update', () => {
    const next = withField(avvyr, { avvyr: { tenantId: 't1', allowedOrigins: ['https://new.example.com'] } });
    expect(validateTransition(parse(avvyr), parse(next), { immutable: true })).toEqual([]);
  });
});
