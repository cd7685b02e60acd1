import { describe, expect, it } from 'vitest';
import type { StoredSecret } from '../config/secret-store.js';
import { classifyDelivery, type Delivery, type DeliveryFacts } from './delivery.js';

const secret = (data: Record<string, string>, annotations: Record<string, string> = { 'sftoken.dev/owner': 'terraform/id-1' }): StoredSecret => ({
  namespace: 'apps',
  name: 'cf',
  labels: {},
  annotations,
  data,
});
const facts = (over: Partial<DeliveryFacts>): DeliveryFacts => ({ secret: undefined, recorded: false, key: 'token', expiresAtKey: 'expiresAt', ownerId: undefined, ...over });

describe('classifyDelivery', () => {
  const rows: { reason: string; facts: DeliveryFacts; want: Delivery }[] = [
    { reason: 'no Secret and no token record: the Secret is simply missing', facts: facts({}), want: { kind: 'missing' } },
    { reason: 'no Secret but a token record beside it: the token exists and is not delivered yet', facts: facts({ recorded: true }), want: { kind: 'not_delivered', why: 'secret_absent' } },
    {
      reason: 'a delivered value with its expiry',
      facts: facts({ secret: secret({ token: 'v', expiresAt: '2030-01-01T00:00:00Z' }) }),
      want: { kind: 'delivered', value: 'v', expiresAt: '2030-01-01T00:00:00Z' },
    },
    { reason: 'an empty expiry means the token never expires', facts: facts({ secret: secret({ token: 'v', expiresAt: '' }) }), want: { kind: 'delivered', value: 'v', expiresAt: undefined } },
    { reason: 'custom keys are read as configured', facts: facts({ key: 'apiToken', expiresAtKey: 'until', secret: secret({ apiToken: 'v', until: 'x' }) }), want: { kind: 'delivered', value: 'v', expiresAt: 'x' } },
    { reason: 'the named token wrote the Secret', facts: facts({ ownerId: 'id-1', secret: secret({ token: 'v' }) }), want: { kind: 'delivered', value: 'v', expiresAt: undefined } },
    { reason: 'fails when another token wrote the Secret', facts: facts({ ownerId: 'id-2', secret: secret({ token: 'v' }) }), want: { kind: 'foreign', owner: 'id-1' } },
    { reason: 'fails when no sftoken_storefront_token wrote the Secret but one was named', facts: facts({ ownerId: 'id-1', secret: secret({ token: 'v' }, {}) }), want: { kind: 'foreign', owner: undefined } },
    { reason: 'fails on a revoked token\'s emptied Secret, as revoked rather than undelivered', facts: facts({ secret: secret({ token: '' }, { 'sftoken.dev/revoked': 'true' }) }), want: { kind: 'revoked' } },
    { reason: 'fails on a missing key, listing the keys present (names only)', facts: facts({ secret: secret({ tokenId: 'i', expiresAt: '' }) }), want: { kind: 'key_missing', keys: ['expiresAt', 'tokenId'] } },
    { reason: 'fails on an empty key: the Secret exists but the value is not delivered', facts: facts({ secret: secret({ token: '' }) }), want: { kind: 'not_delivered', why: 'value_empty' } },
  ];
  it.each(rows)('$reason', ({ facts: input, want }) => {
    expect(classifyDelivery(input)).toStrictEqual(want);
  });
});
