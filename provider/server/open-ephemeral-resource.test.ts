import { describe, expect, it } from 'vitest';
import { ProviderContext } from '../config/context.js';
import type { SecretStore } from '../config/secret-store.js';
import { stderrLogger } from '../plugin/logger.js';
import type { EphemeralResourceDefinition, OpenResult } from '../framework/ephemeral.js';
import type { ProviderDefinition } from '../framework/provider.js';
import { Unknown, type ObjectValue } from '../framework/value.js';
import { tokenValueResource } from '../token-value/resource.js';
import { decodeObject, encodeObject } from './dynamic-value.js';
import { openEphemeralResource, type OpenEphemeralResourceResponse } from './open-ephemeral-resource.js';
import { newServerState } from './state.js';

// The protocol rules of OpenEphemeralResource that end-to-end runs cannot
// reach: engines open sftoken_token_value only with a known configuration
// (Terraform skips the open, OpenTofu defers it itself), so the deferral
// paths are driven here through the handler, with the real definition.

// No row reaches the cluster: an unknown configuration is answered before any read.
const unreachable: SecretStore = {
  defaultNamespace: () => Promise.reject(new Error('not reached')),
  get: () => Promise.reject(new Error('not reached')),
  put: () => Promise.reject(new Error('not reached')),
  delete: () => Promise.reject(new Error('not reached')),
};

function serve(ephemeral: EphemeralResourceDefinition<ProviderContext>): ReturnType<typeof newServerState<ProviderContext>> {
  const definition: ProviderDefinition<ProviderContext> = {
    name: 'sftoken',
    version: '0.0.0',
    schema: { attributes: {} },
    configure: () => ({ context: undefined }),
    resources: [],
    ephemeralResources: [ephemeral],
  };
  const state = newServerState(definition, stderrLogger('test', () => undefined));
  state.configured = { context: new ProviderContext({ connections: {}, secrets: unreachable }) };
  return state;
}

const block = tokenValueResource.schema.block;
const config = (over: ObjectValue): ObjectValue => ({ name: 'cf', namespace: null, key: null, expires_at_key: null, storefront_token_id: null, value: null, fingerprint: null, expires_at: null, ...over });
const summaries = (response: OpenEphemeralResourceResponse): string[] => response.diagnostics.map((d) => `${d.severity} ${d.summary}`);

describe('OpenEphemeralResource for sftoken_token_value', () => {
  const rows: { reason: string; config: ObjectValue; deferralAllowed: boolean; deferred: string | undefined; diagnostics: string[]; path: string[] }[] = [
    { reason: 'an unknown Secret name is deferred when the engine accepts deferrals', config: config({ name: Unknown }), deferralAllowed: true, deferred: 'RESOURCE_CONFIG_UNKNOWN', diagnostics: [], path: [] },
    {
      reason: 'fails on an unknown token id when the engine accepts no deferral, naming the attribute',
      config: config({ storefront_token_id: Unknown }),
      deferralAllowed: false,
      deferred: undefined,
      diagnostics: ['ERROR Ephemeral Configuration Not Known'],
      path: ['storefront_token_id'],
    },
  ];
  it.each(rows)('$reason', async (row) => {
    const response = await openEphemeralResource(serve(tokenValueResource), {
      type_name: 'sftoken_token_value',
      config: encodeObject(row.config, block),
      client_capabilities: { deferral_allowed: row.deferralAllowed },
    });
    expect(response.deferred?.reason).toBe(row.deferred);
    expect(response.result).toBeUndefined();
    expect(summaries(response)).toStrictEqual(row.diagnostics);
    const steps = response.diagnostics[0]?.attribute?.steps ?? [];
    expect(steps.map((s) => ('attribute_name' in s ? s.attribute_name : '?'))).toStrictEqual(row.path);
  });
});

describe('OpenEphemeralResource protocol guards', () => {
  const schema = { version: 0, block: { attributes: { value: { type: 'string' as const, computed: true, sensitive: true } } } };
  const opening = (result: OpenResult): EphemeralResourceDefinition<ProviderContext> => ({ typeName: 'sftoken_fixed', schema, open: () => Promise.resolve(result) });
  const rows: { reason: string; result: OpenResult; diagnostics: string[]; deferred: string | undefined }[] = [
    { reason: 'fails a deferral the engine did not offer to accept, as a provider bug', result: { deferred: 'absent_prereq' }, diagnostics: ['ERROR Deferral Not Allowed'], deferred: undefined },
    { reason: 'fails an opened value that is not wholly known, as a provider bug', result: { result: { value: Unknown } }, diagnostics: ['ERROR Ephemeral Value Not Known'], deferred: undefined },
  ];
  it.each(rows)('$reason', async (row) => {
    const response = await openEphemeralResource(serve(opening(row.result)), { type_name: 'sftoken_fixed', config: encodeObject({ value: null }, schema.block), client_capabilities: null });
    expect(summaries(response)).toStrictEqual(row.diagnostics);
    expect(response.deferred?.reason).toBe(row.deferred);
    expect(response.result).toBeUndefined();
  });

  it('sends the value, renew_at as a protobuf Timestamp and the private bytes', async () => {
    const renewAt = new Date('2030-01-01T00:00:00.250Z');
    const response = await openEphemeralResource(serve(opening({ result: { value: 'v' }, renewAt, private: new Uint8Array([1]) })), {
      type_name: 'sftoken_fixed',
      config: encodeObject({ value: null }, schema.block),
      client_capabilities: null,
    });
    expect(response.diagnostics).toStrictEqual([]);
    expect(decodeObject(response.result, schema.block)).toStrictEqual({ value: 'v' });
    expect(response.renew_at).toStrictEqual({ seconds: renewAt.getTime() / 1000 - 0.25, nanos: 250_000_000 });
    expect(response.private).toStrictEqual(new Uint8Array([1]));
  });
});
