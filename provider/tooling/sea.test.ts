import { describe, expect, it } from 'vitest';
import { loadProtoServices } from '../plugin/proto.js';
import { embeddedProtoJson } from './sea.js';

// The standalone executable swaps provider/plugin/proto.ts (protos read from
// a folder) for provider/launch/embedded-proto.ts (protos compiled in). The
// engine must not be able to tell: same methods, paths and wire bytes.
describe('embedded protos', () => {
  it('yield the same gRPC services as the .proto files on disk', async () => {
    (globalThis as { __SFTOKEN_EMBEDDED_PROTOS__?: string }).__SFTOKEN_EMBEDDED_PROTOS__ = embeddedProtoJson();
    const embedded = (await import('../launch/embedded-proto.js')).loadProtoServices();
    const disk = loadProtoServices();
    for (const service of ['provider', 'controller'] as const) {
      const shape = (s: typeof disk.provider) => Object.entries(s).map(([name, m]) => [name, m.path, m.requestStream, m.responseStream]).sort();
      expect(shape(embedded[service]), service).toStrictEqual(shape(disk[service]));
      expect(Object.keys(disk[service]).length, service).toBeGreaterThan(0);
    }
    const plan = { type_name: 'sftoken_storefront_token', prior_state: { msgpack: Buffer.from([0xc0]) }, prior_private: Buffer.from('p') };
    const method = 'PlanResourceChange';
    const viaDisk = disk.provider[method]?.requestSerialize(plan);
    expect(viaDisk?.length).toBeGreaterThan(0);
    expect(embedded.provider[method]?.requestSerialize(plan)).toStrictEqual(viaDisk);
    expect(embedded.provider[method]?.requestDeserialize(viaDisk ?? Buffer.alloc(0))).toStrictEqual(disk.provider[method]?.requestDeserialize(viaDisk ?? Buffer.alloc(0)));
  });
});
