import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { installCrds, type CrdManifest } from '../../controlplane/index.js';
import { KubeClient, type KubeResult } from '../../kube/index.js';
import { capabilityTable } from '../../core/platforms/registry.js';
import { formatPath, validateSpec } from '../../core/schema/validate.js';
import { freshNamespace } from './fresh-namespace.js';
import { useControlPlane } from './use-control-plane.js';

// StorefrontTokens as a person or a GitOps sync applies them, against the
// generated CRDs on a real kube-apiserver: each bad spec is refused at
// admission naming exactly one field, without the "<nil>: Invalid value:
// null: some validation rules were not checked" line, and validateSpec (what
// the operator and `terraform validate` run) refuses it on the same field.

const repoRoot = join(import.meta.dirname, '..', '..');
const noise = 'some validation rules were not checked';
const now = new Date();
const tokens = (namespace: string): string => `/apis/sftoken.dev/v1alpha1/namespaces/${namespace}/storefronttokens`;

type Spec = Record<string, unknown>;

const conn = { name: 'shop' };
const secret = { name: 'shop-token' };
const accountId = 'a5c1e0d4b7f24c3e9d8a6b2f1e0c9d7a';
const policies = [{ permissionGroups: ['73b8d55e332fbd511432c58ad8f8b62c'], resources: { [`com.cloudflare.api.account.${accountId}`]: '*' } }];
const bigcommerce: Spec = { platform: 'bigcommerce', connectionRef: conn, secret, lifetime: { ttl: '720h' }, bigcommerce: { storeHash: 'sbx7k2m9qa', channelIds: [1], allowedCorsOrigins: ['https://shop.example.com'] } };
const cloudflare: Spec = { platform: 'cloudflare', connectionRef: conn, secret, lifetime: { ttl: '2160h' }, cloudflare: { accountId, policies } };
const wizcommerce: Spec = { platform: 'wizcommerce', connectionRef: conn, secret, wizcommerce: { accountEmail: 'admin@sandbox.wizcommerce.test' } };
const avvyr: Spec = { platform: 'avvyr', connectionRef: conn, secret, avvyr: { tenantId: 'tnt_sandbox', allowedOrigins: ['https://shop.example.com'] } };

const bc = (block: Spec): Spec => ({ ...bigcommerce, bigcommerce: { ...(bigcommerce.bigcommerce as Spec), ...block } });
const cf = (block: Spec): Spec => ({ ...cloudflare, cloudflare: { ...(cloudflare.cloudflare as Spec), ...block } });
const av = (block: Spec): Spec => ({ ...avvyr, avvyr: { ...(avvyr.avvyr as Spec), ...block } });
const without = (spec: Spec, field: string): Spec => Object.fromEntries(Object.entries(spec).filter(([k]) => k !== field));
const origins = (n: number): string[] => Array.from({ length: n }, (_, i) => `https://shop${i}.example.com`);

interface Refusal {
  readonly name: string;
  readonly reason: string;
  readonly spec: Spec;
  /** field is the one field the API server must name, as kubectl prints it. */
  readonly field: string;
  readonly message: RegExp;
}

const refusals: readonly Refusal[] = [
  // Item 3: a token silently missing from its Secret.
  { name: 'KeysTokenIdSameAsToken', reason: 'the Secret would hold the token id where the token should be', spec: { ...avvyr, secret: { name: 's', keys: { token: 'value', tokenId: 'value' } } }, field: 'spec.secret.keys.tokenId', message: /must differ from secret\.keys\.token: both name the data key "value"/ },
  { name: 'KeysTokenNamedExpiresAt', reason: 'the expiry would overwrite the token; the error goes on the key the person changed', spec: { ...avvyr, secret: { name: 's', keys: { token: 'expiresAt' } } }, field: 'spec.secret.keys.token', message: /must differ from secret\.keys\.expiresAt/ },
  { name: 'SecretIsOperatorState', reason: 'delivering into the operator state Secret would destroy what revocation needs', spec: { ...avvyr, secret: { name: 'sftoken-state-shop' } }, field: 'spec.secret.name', message: /must not start with sftoken-state- or sftoken-tfstate-/ },
  { name: 'SecretIsProviderState', reason: 'the Terraform provider state Secrets are reserved too', spec: { ...avvyr, secret: { name: 'sftoken-tfstate-shop' } }, field: 'spec.secret.name', message: /reserved for the state Secrets/ },
  { name: 'KeyIsPreviousToken', reason: 'the previous token is published under previousToken during an overlap and would overwrite the token id', spec: { ...avvyr, secret: { name: 's', keys: { tokenId: 'previousToken' } } }, field: 'spec.secret.keys.tokenId', message: /must not be previousToken or previousExpiresAt/ },
  { name: 'SecretKeyDotDot', reason: 'Kubernetes refuses .. as a data key, so the write would fail after issuing', spec: { ...avvyr, secret: { name: 's', keys: { token: '..' } } }, field: 'spec.secret.keys.token', message: /should match/ },
  // Item 4: ids that are not ids.
  { name: 'AvvyrTenantTraversal', reason: 'a tenant id with / and .. would change the API path', spec: av({ tenantId: 'a/../b' }), field: 'spec.avvyr.tenantId', message: /should match/ },
  { name: 'AvvyrMarketWithSlash', reason: 'market ids go into the path too', spec: av({ level: 'market', marketId: 'se/x' }), field: 'spec.avvyr.marketId', message: /should match/ },
  { name: 'StoreHashUppercase', reason: 'store hashes are lowercase letters and digits', spec: bc({ storeHash: 'ABC/123' }), field: 'spec.bigcommerce.storeHash', message: /should match/ },
  { name: 'ChannelIdZero', reason: 'channel ids are positive integers', spec: bc({ channelIds: [0] }), field: 'spec.bigcommerce.channelIds[0]', message: /greater than or equal to 1/ },
  { name: 'CloudflareAccountIdShort', reason: 'Cloudflare account ids are 32 lowercase hex digits', spec: cf({ accountId: 'acct' }), field: 'spec.cloudflare.accountId', message: /should match/ },
  { name: 'PermissionGroupNotHex', reason: 'permission group ids are Cloudflare ids too', spec: cf({ policies: [{ permissionGroups: ['Workers KV Storage Read'], resources: { x: '*' } }] }), field: 'spec.cloudflare.policies[0].permissionGroups[0]', message: /should match/ },
  // Item 7: origins, CIDRs, durations, rotation.
  { name: 'BigCommerceThreeOrigins', reason: 'BigCommerce accepts two origins; a limit stated as maxItems would hide the CEL rules behind the noise', spec: bc({ allowedCorsOrigins: origins(3) }), field: 'spec.bigcommerce.allowedCorsOrigins', message: /at most 2 origins/ },
  { name: 'AvvyrTwentyOneOrigins', reason: 'Avvyr accepts twenty', spec: av({ allowedOrigins: origins(21) }), field: 'spec.avvyr.allowedOrigins', message: /at most 20 origins/ },
  { name: 'OriginWithPath', reason: 'a path never matches an Origin header', spec: av({ allowedOrigins: ['https://shop.example.com/cart'] }), field: 'spec.avvyr.allowedOrigins[0]', message: /must not contain a path/ },
  { name: 'OriginTrailingSlash', reason: 'BigCommerce answers 422 has_invalid_suffix', spec: bc({ allowedCorsOrigins: ['https://shop.example.com/'] }), field: 'spec.bigcommerce.allowedCorsOrigins[0]', message: /must not end with a slash/ },
  { name: 'OriginWildcard', reason: 'neither platform matches wildcards', spec: av({ allowedOrigins: ['https://*.example.com'] }), field: 'spec.avvyr.allowedOrigins[0]', message: /wildcard/ },
  { name: 'OriginDefaultPort', reason: 'browsers send the origin without the default port, so it would never match', spec: av({ allowedOrigins: ['https://shop.example.com:443'] }), field: 'spec.avvyr.allowedOrigins[0]', message: /canonical form/ },
  { name: 'CidrOutOfRange', reason: 'the IP condition takes CIDRs', spec: cf({ condition: { requestIp: { in: ['10.0.0.300/8'] } } }), field: 'spec.cloudflare.condition.requestIp.in[0]', message: /CIDR/ },
  { name: 'CidrWithoutPrefix', reason: 'an address alone is not a range', spec: cf({ condition: { requestIp: { notIn: ['192.0.2.1'] } } }), field: 'spec.cloudflare.condition.requestIp.notIn[0]', message: /CIDR/ },
  { name: 'DurationSyntax', reason: 'durations are written like 720h', spec: { ...cloudflare, lifetime: { ttl: '3 days' } }, field: 'spec.lifetime.ttl', message: /should match/ },
  { name: 'DurationZero', reason: 'a zero lifetime is not a lifetime', spec: { ...cloudflare, lifetime: { ttl: '0h' } }, field: 'spec.lifetime.ttl', message: /positive duration/ },
  { name: 'RenewBeforeNotShorterThanTtl', reason: 'the token would be renewed before it was issued', spec: { ...bigcommerce, rotation: { renewBefore: '31d' } }, field: 'spec.rotation.renewBefore', message: /shorter than the token lifetime \(31d is not shorter than 720h\)/ },
  { name: 'RenewBeforeNotShorterThanFixedLifetime', reason: 'WizCommerce tokens live 365 days', spec: { ...wizcommerce, rotation: { renewBefore: '400d' } }, field: 'spec.rotation.renewBefore', message: /shorter than the token lifetime \(400d is not shorter than 365d\)/ },
  { name: 'OverlapLongerThanRenewBefore', reason: 'the previous token would expire during the overlap', spec: { ...bigcommerce, rotation: { renewBefore: '1h', overlap: '2h' } }, field: 'spec.rotation.overlap', message: /must not exceed renewBefore/ },
  { name: 'OverlapLongerThanDefaultRenewBefore', reason: 'renewBefore defaults to a third of the ttl', spec: { ...cloudflare, lifetime: { ttl: '15m' }, rotation: {} }, field: 'spec.rotation.overlap', message: /must not exceed renewBefore/ },
  { name: 'RotationWithoutExpiry', reason: 'Avvyr tokens never expire, so there is nothing to renew', spec: { ...avvyr, rotation: { overlap: '5m' } }, field: 'spec.rotation', message: /needs tokens that expire/ },
  { name: 'TtlAndExpiresAt', reason: 'two expiries cannot both hold', spec: { ...cloudflare, lifetime: { ttl: '24h', expiresAt: '2099-01-01T00:00:00Z' } }, field: 'spec.lifetime', message: /exactly one of ttl or expiresAt/ },
  { name: 'BigCommerceWithoutLifetime', reason: 'BigCommerce requires expires_at', spec: without(bigcommerce, 'lifetime'), field: 'spec.lifetime', message: /bigcommerce tokens must have an expiry/ },
  { name: 'WizCommerceWithLifetime', reason: 'WizCommerce fixes the lifetime', spec: { ...wizcommerce, lifetime: { ttl: '24h' } }, field: 'spec.lifetime', message: /365 days/ },
  // Required fields, enums and cross-field rules: each stated so it does not block the others.
  { name: 'MissingSecret', reason: 'a required field stated as OpenAPI required would block every CEL rule', spec: without(avvyr, 'secret'), field: 'spec.secret', message: /Secret that receives the issued token/ },
  { name: 'MissingConnectionRef', reason: 'the operator needs a connection', spec: without(avvyr, 'connectionRef'), field: 'spec.connectionRef', message: /connection/ },
  { name: 'MissingStoreHash', reason: 'the store names the scope', spec: { ...bigcommerce, bigcommerce: { channelIds: [1] } }, field: 'spec.bigcommerce.storeHash', message: /store hash/ },
  { name: 'UnknownPlatform', reason: 'an enum would block every CEL rule', spec: { ...avvyr, platform: 'shopify' }, field: 'spec.platform', message: /must be one of bigcommerce, cloudflare, wizcommerce, avvyr/ },
  { name: 'UnknownKind', reason: 'the same for nested enums', spec: bc({ kind: 'public' }), field: 'spec.bigcommerce.kind', message: /must be one of storefront, private, customerImpersonation/ },
  { name: 'PlatformBlockMissing', reason: 'the scope lives in the platform block', spec: without(cloudflare, 'cloudflare'), field: 'spec.cloudflare', message: /required when platform is cloudflare/ },
  { name: 'BlockForAnotherPlatform', reason: 'a block for another platform is a mistake, not a no-op', spec: { ...avvyr, bigcommerce: bigcommerce.bigcommerce }, field: 'spec.bigcommerce', message: /does not apply to avvyr tokens/ },
  { name: 'DisplayNameOnBigCommerce', reason: 'BigCommerce tokens have no name', spec: { ...bigcommerce, displayName: 'shop' }, field: 'spec.displayName', message: /does not apply to bigcommerce tokens/ },
  { name: 'MarketLevelWithoutMarket', reason: 'a market token needs its market', spec: av({ level: 'market' }), field: 'spec.avvyr.marketId', message: /required when level is market/ },
  { name: 'PrivateWithoutScopes', reason: 'the private endpoint requires scopes', spec: bc({ kind: 'private', allowedCorsOrigins: undefined }), field: 'spec.bigcommerce.scopes', message: /required for private tokens/ },
  { name: 'OriginsOnImpersonationToken', reason: 'only the storefront endpoint takes origins', spec: bc({ kind: 'customerImpersonation' }), field: 'spec.bigcommerce.allowedCorsOrigins', message: /applies only to storefront tokens/ },
];

interface StatusBody {
  readonly message?: string;
  readonly details?: { readonly causes?: readonly { readonly field?: string; readonly message?: string }[] };
}

function crdManifests(): CrdManifest[] {
  const dir = join(repoRoot, 'crds');
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8'))[0]?.toJS() as CrdManifest);
}

interface Example {
  readonly file: string;
  readonly kind: string;
  readonly spec: Spec;
}

function examples(): Example[] {
  const dir = join(repoRoot, 'examples', 'kubernetes');
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).flatMap((file) =>
    parseAllDocuments(readFileSync(join(dir, file), 'utf8'))
      .map((d) => d.toJS() as { kind?: string; spec?: Spec })
      .filter((o) => o.spec !== undefined && (o.kind === 'StorefrontToken' || o.kind === 'PlatformConnection'))
      .map((o) => ({ file, kind: o.kind ?? '', spec: o.spec ?? {} })));
}

// One client per kubeconfig for the whole file: rows share its keep-alive connections.
const clients = new WeakMap<KubeConfig, KubeClient>();
function kube(kc: KubeConfig): KubeClient {
  let client = clients.get(kc);
  if (client === undefined) {
    client = new KubeClient(kc);
    clients.set(kc, client);
  }
  return client;
}

function body(spec: Spec, name = 'shop', kind = 'StorefrontToken'): object {
  return { apiVersion: 'sftoken.dev/v1alpha1', kind, metadata: { name }, spec: JSON.parse(JSON.stringify(spec)) as Spec };
}

// Dry run: full validation and admission, nothing stored, so rows share a namespace.
async function create(kc: KubeConfig, spec: Spec): Promise<KubeResult> {
  return kube(kc).call('POST', `${tokens('default')}?dryRun=All&fieldValidation=Strict`, body(spec));
}

function causesOf(res: KubeResult): string[] {
  return ((res.body as StatusBody | undefined)?.details?.causes ?? []).map((c) => c.field ?? '');
}

function validateKubernetes(spec: Spec): ReturnType<typeof validateSpec> {
  return validateSpec(JSON.parse(JSON.stringify(spec)), { surface: 'kubernetes', now, capabilitiesOf: (p) => capabilityTable[p] });
}

describe('StorefrontToken admission by the generated CRD on a real API server', () => {
  let kc: KubeConfig;
  beforeAll(async () => {
    kc = (await useControlPlane()).kubeConfig();
    await installCrds(kc, crdManifests());
  }, 30 * 60_000);

  it.each(refusals)('refuses $name on its field alone ($reason)', async ({ spec, field, message }) => {
    const res = await create(kc, spec);
    const text = (res.body as StatusBody | undefined)?.message ?? '';
    expect(res.status, text).toBe(422);
    expect(text).not.toContain(noise);
    expect(causesOf(res), text).toEqual([field]);
    expect(text).toMatch(message);

    // The same input is refused by validateSpec on the same field, so the
    // CRD and the operator (and terraform validate) cannot drift apart.
    const result = validateKubernetes(spec);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => formatPath(i.path)), JSON.stringify(result.issues)).toContain(field);
  });

  it.each(examples())('accepts the $kind of examples/kubernetes/$file', async ({ kind, spec }) => {
    const plural = `${kind.toLowerCase()}s`;
    const res = await kube(kc).call('POST', `/apis/sftoken.dev/v1alpha1/namespaces/default/${plural}?dryRun=All&fieldValidation=Strict`, body(spec, 'shop', kind));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    if (kind === 'StorefrontToken') expect(validateKubernetes(spec).ok).toBe(true);
  });

  it.each([
    { name: 'StoreHashChanged', reason: 'the store names the token scope', spec: bigcommerce, change: bc({ storeHash: 'other1' }), field: 'spec.bigcommerce.storeHash', message: /immutable/ },
    { name: 'TenantChanged', reason: 'the tenant names the token scope', spec: avvyr, change: av({ tenantId: 'tnt_other' }), field: 'spec.avvyr.tenantId', message: /immutable/ },
    { name: 'Unrevoked', reason: 'revocation is one way', spec: { ...avvyr, revoked: true }, change: { ...avvyr, revoked: false }, field: 'spec.revoked', message: /cannot be set back to false/ },
  ])('refuses the update $name on its field alone ($reason)', async ({ spec, change, field, message }) => {
    const namespace = await freshNamespace(kc);
    const created = await kube(kc).call('POST', tokens(namespace), body(spec));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const metadata = (created.body as { metadata: object }).metadata;
    const res = await kube(kc).call('PUT', `${tokens(namespace)}/shop`, { ...body(change), metadata });
    const text = (res.body as StatusBody | undefined)?.message ?? '';
    expect(res.status, text).toBe(422);
    expect(text).not.toContain(noise);
    expect(causesOf(res), text).toEqual([field]);
    expect(text).toMatch(message);
  });

  // Guards the rows above against passing vacuously: a wrong type is the one
  // schema error that still stops CEL (apiextensions-apiserver hasBlockingErr),
  // and the API server then adds the line the rows check is absent.
  it('still adds the noise for a wrong type, the one error that blocks CEL by design', async () => {
    const res = await create(kc, bc({ channelIds: ['1'] }));
    const text = (res.body as StatusBody | undefined)?.message ?? '';
    expect(res.status, text).toBe(422);
    expect(text).toContain(noise);
    expect(causesOf(res)).toContain('spec.bigcommerce.channelIds[0]');
  });
});
