import { describe, expect, it } from 'vitest';
import type { Observation } from '../contract/adapter.js';
import { capabilityTable } from '../platforms/registry.js';
import { storefrontTokenSpecSchema, type StorefrontTokenSpecInput } from '../schema/storefront-token.js';
import { decide, type Decision } from './decide.js';
import type { TokenFacts } from './facts.js';
import { renewAt } from './schedule.js';

const now = new Date('2026-11-25T12:00:00Z');
const hours = (h: number) => new Date(now.getTime() + h * 3_600_000);

const avvyrInput: StorefrontTokenSpecInput = { platform: 'avvyr', secret: { name: 's' }, avvyr: { tenantId: 't', allowedOrigins: ['https://a.example'] } };
const bcInput: StorefrontTokenSpecInput = { platform: 'bigcommerce', secret: { name: 's' }, lifetime: { ttl: '30h' }, bigcommerce: { storeHash: 'abc', channelIds: [1], allowedCorsOrigins: ['https://a.example'] } };
const spec = (input: StorefrontTokenSpecInput, patch: Partial<StorefrontTokenSpecInput> = {}) => storefrontTokenSpecSchema.parse({ ...input, ...patch });

const active = (observed: Observation['observed'], expiresAt?: Date): Observation => ({ state: 'active', ...(observed === undefined ? {} : { observed }), ...(expiresAt === undefined ? {} : { expiresAt }) });
const record = { id: 'tok1', fingerprint: 'abcdef012345', issuedAt: now.toISOString() };

function facts(patch: Partial<TokenFacts> & Pick<TokenFacts, 'spec'>): TokenFacts {
  return { name: 's', capabilities: capabilityTable[patch.spec.platform], now, secret: 'current', valueKept: true, ...patch };
}

const avvyrCurrent = { record, observation: active({ displayName: 's', block: { allowedOrigins: ['https://a.example'], level: 'tenant' } }) };
const bcCurrent = (expiresAt: Date, cors = ['https://a.example']) => ({
  record: { ...record, expiresAt: expiresAt.toISOString() },
  observation: { state: 'unknown', expiresAt, observed: { block: { channelIds: [1], allowedCorsOrigins: cors } } } satisfies Observation,
});

describe('decide', () => {
  const cases: { name: string; reason: string; facts: TokenFacts; want: Partial<Decision> }[] = [
    { name: 'first issue', reason: 'nothing exists yet', facts: facts({ spec: spec(avvyrInput), secret: 'missing' }), want: { action: 'issue', reason: 'Initial' } },
    { name: 'in doubt first', reason: 'a lost create must be settled before another is made, even when revoked', facts: facts({ spec: spec(avvyrInput, { revoked: true }), pendingCreate: { idempotencyKey: 'k', reason: 'Initial' } }), want: { action: 'resolveInDoubt' } },
    { name: 'revoke', reason: 'revoked: true revokes at the platform', facts: facts({ spec: spec(avvyrInput, { revoked: true }), current: avvyrCurrent }), want: { action: 'revoke' } },
    { name: 'revoke even when the platform already did', reason: 'revoke is idempotent and we must record it', facts: facts({ spec: spec(avvyrInput, { revoked: true }), current: { record, observation: { state: 'revoked' } } }), want: { action: 'revoke' } },
    { name: 'retract the secret after revoking', reason: 'the Secret must not keep a dead value', facts: facts({ spec: spec(avvyrInput, { revoked: true }), revokedAt: now }), want: { action: 'retractSecret' } },
    { name: 'revoked is terminal', reason: 'a revoked token is never reissued', facts: facts({ spec: spec(avvyrInput, { revoked: true }), revokedAt: now, secret: 'missing', valueKept: false }), want: { action: 'wait', reason: 'Revoked' } },
    { name: 'revoked before any issue', reason: 'revoked: true on a new resource issues nothing', facts: facts({ spec: spec(avvyrInput, { revoked: true }), secret: 'missing' }), want: { action: 'wait', reason: 'Revoked' } },
    { name: 'foreign secret', reason: 'never overwrite a Secret this token does not own', facts: facts({ spec: spec(avvyrInput), secret: 'foreign' }), want: { action: 'blocked', reason: 'SecretNotOwned' } },
    { name: 'steady state', reason: 'nothing differs', facts: facts({ spec: spec(avvyrInput), current: avvyrCurrent }), want: { action: 'wait', reason: 'Ready' } },
    { name: 'avvyr origins change in place', reason: 'Avvyr can update origins on the token', facts: facts({ spec: spec(avvyrInput, { avvyr: { tenantId: 't', allowedOrigins: ['https://b.example'] } }), current: avvyrCurrent }), want: { action: 'update', reason: 'Changed' } },
    { name: 'avvyr origins reordered', reason: 'platforms reorder lists; order is not drift', facts: facts({ spec: spec(avvyrInput, { avvyr: { tenantId: 't', allowedOrigins: ['https://b.example', 'https://a.example'] } }), current: { record, observation: active({ block: { allowedOrigins: ['https://a.example', 'https://b.example'] } }) } }), want: { action: 'wait' } },
    { name: 'bigcommerce origins change rotates', reason: 'origins are baked into the JWT', facts: facts({ spec: spec(bcInput, { bigcommerce: { storeHash: 'abc', channelIds: [1], allowedCorsOrigins: ['https://b.example'] } }), current: bcCurrent(hours(29)) }), want: { action: 'issue', reason: 'Changed' } },
    { name: 'renewal due', reason: 'a third of the lifetime remains', facts: facts({ spec: spec(bcInput), current: bcCurrent(hours(9)) }), want: { action: 'issue', reason: 'Rotation' } },
    { name: 'renewal not yet due', reason: 'more than a third remains; wait until then (plus this token\'s jitter)', facts: facts({ spec: spec(bcInput), current: bcCurrent(hours(20)) }), want: { action: 'wait', until: renewAt(hours(20), { renewBeforeMs: 10 * 3_600_000, overlapMs: 0 }, record.fingerprint) ?? hours(10) } },
    { name: 'dead token', reason: 'revoked at the platform by someone else', facts: facts({ spec: spec(avvyrInput), current: { record, observation: { state: 'revoked' } } }), want: { action: 'issue', reason: 'Repair' } },
    { name: 'secret deleted, copy kept', reason: 'republish instead of issuing', facts: facts({ spec: spec(avvyrInput), current: avvyrCurrent, secret: 'missing' }), want: { action: 'publish' } },
    { name: 'secret edited, no copy', reason: 'the value is lost: issue anew', facts: facts({ spec: spec(avvyrInput), current: avvyrCurrent, secret: 'stale', valueKept: false }), want: { action: 'issue', reason: 'Lost' } },
    { name: 'overlap ended', reason: 'the previous token is revoked after the overlap', facts: facts({ spec: spec(avvyrInput), current: avvyrCurrent, previous: { record, revokeAt: hours(-1) } }), want: { action: 'revokePrevious' } },
    { name: 'at most two tokens', reason: 'a rotation while the previous token still lives revokes the previous first', facts: facts({ spec: spec(bcInput), current: bcCurrent(hours(9)), previous: { record, revokeAt: hours(1) } }), want: { action: 'revokePrevious' } },
    { name: 'rotate now', reason: 'a new rotate request issues a successor that keeps the overlap', facts: facts({ spec: spec(avvyrInput), current: avvyrCurrent, rotateRequest: { value: 'r1', revokePreviousNow: false } }), want: { action: 'issue', reason: 'Requested', request: 'r1' } },
    { name: 'leak response', reason: 'revoke-previous-now issues a successor that ends the overlap at once', facts: facts({ spec: spec(avvyrInput), current: avvyrCurrent, rotateRequest: { value: 'r2', revokePreviousNow: true } }), want: { action: 'issue', reason: 'Leaked', request: 'r2' } },
    { name: 'rotate now answered by the first issue', reason: 'a request on a new resource is answered by its first token, not a second', facts: facts({ spec: spec(avvyrInput), secret: 'missing', rotateRequest: { value: 'r1', revokePreviousNow: false } }), want: { action: 'issue', reason: 'Initial', request: 'r1' } },
    { name: 'rotate now during an overlap', reason: 'at most two tokens: the running overlap ends first', facts: facts({ spec: spec(avvyrInput), current: avvyrCurrent, previous: { record, revokeAt: hours(1) }, rotateRequest: { value: 'r1', revokePreviousNow: false } }), want: { action: 'revokePrevious' } },
    { name: 'rotate now on a revoked token', reason: 'revocation wins; nothing is reissued', facts: facts({ spec: spec(avvyrInput, { revoked: true }), revokedAt: now, secret: 'missing', valueKept: false, rotateRequest: { value: 'r1', revokePreviousNow: false } }), want: { action: 'wait', reason: 'Revoked' } },
    { name: 'paused: no repair', reason: 'a paused token whose Secret is gone is not repaired', facts: facts({ spec: spec(avvyrInput), current: avvyrCurrent, secret: 'missing', paused: true }), want: { action: 'wait', reason: 'Paused' } },
    { name: 'paused: no rotation', reason: 'neither renewal nor a rotate request issues while paused', facts: facts({ spec: spec(bcInput), current: bcCurrent(hours(1)), paused: true, rotateRequest: { value: 'r1', revokePreviousNow: false } }), want: { action: 'wait', reason: 'Paused' } },
    { name: 'paused: no first issue', reason: 'a paused new resource issues nothing', facts: facts({ spec: spec(avvyrInput), secret: 'missing', paused: true }), want: { action: 'wait', reason: 'Paused' } },
    { name: 'paused: revoked still revokes', reason: 'pause never stops revoked: true (nor deletion with Revoke, decided as revoked)', facts: facts({ spec: spec(avvyrInput, { revoked: true }), current: avvyrCurrent, paused: true }), want: { action: 'revoke' } },
    { name: 'paused: revocation settles an in-doubt create', reason: 'revoking a paused token still settles what may exist first', facts: facts({ spec: spec(avvyrInput, { revoked: true }), pendingCreate: { idempotencyKey: 'k', reason: 'Initial' }, paused: true }), want: { action: 'resolveInDoubt' } },
    { name: 'rotate now in a terminating namespace', reason: 'nothing is issued into a namespace being deleted', facts: facts({ spec: spec(avvyrInput), current: avvyrCurrent, terminating: true, rotateRequest: { value: 'r1', revokePreviousNow: true } }), want: { action: 'wait', reason: 'Terminating' } },
    { name: 'overlap running', reason: 'wait for the overlap to end', facts: facts({ spec: spec(avvyrInput), current: avvyrCurrent, previous: { record, revokeAt: hours(1) } }), want: { action: 'wait', until: hours(1) } },
  ];
  it.each(cases)('$name: $reason', ({ facts: input, want }) => {
    expect(decide(input)).toMatchObject(want);
  });
});
