import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { describe, expect, it } from 'vitest';
import { loadProtoServices } from './proto.js';

// Providers build their services from the generated descriptor instead of
// parsing provider/proto at start. The engine must not be able to tell: the
// same methods, paths, names and wire bytes as @grpc/proto-loader reading
// the .proto files (generate:check keeps the descriptor in step with them).
const protoDir = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'proto');

function fromProtoFiles(): { provider: grpc.ServiceDefinition; controller: grpc.ServiceDefinition } {
  const definition = protoLoader.loadSync(['tfplugin6.proto', 'grpc_controller.proto'], { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true, includeDirs: [protoDir] });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as { tfplugin6: { Provider: grpc.ServiceClientConstructor }; plugin: { GRPCController: grpc.ServiceClientConstructor } };
  return { provider: loaded.tfplugin6.Provider.service, controller: loaded.plugin.GRPCController.service };
}

describe('gRPC services from the generated descriptor', () => {
  const generated = loadProtoServices();
  const parsed = fromProtoFiles();

  it.each(['provider', 'controller'] as const)('%s has the methods, paths, streaming and names proto-loader gives', (service) => {
    const shape = (s: grpc.ServiceDefinition) => Object.entries(s).map(([name, m]) => [name, m.path, m.requestStream, m.responseStream, m.originalName]).sort();
    expect(Object.keys(parsed[service]).length).toBeGreaterThan(0);
    expect(shape(generated[service])).toStrictEqual(shape(parsed[service]));
  });

  it('encodes and decodes the same bytes and objects (bytes, nested messages, enums, defaults)', () => {
    const plan = { type_name: 'sftoken_storefront_token', prior_state: { msgpack: Buffer.from([0xc0]) }, prior_private: Buffer.from('p') };
    const method = 'PlanResourceChange';
    const viaFiles = parsed.provider[method]?.requestSerialize(plan) ?? Buffer.alloc(0);
    expect(viaFiles.length).toBeGreaterThan(0);
    expect(generated.provider[method]?.requestSerialize(plan)).toStrictEqual(viaFiles);
    expect(generated.provider[method]?.requestDeserialize(viaFiles)).toStrictEqual(parsed.provider[method]?.requestDeserialize(viaFiles));
    const diagnostics = { diagnostics: [{ severity: 'ERROR', summary: 's', detail: 'd', attribute: { steps: [{ attribute_name: 'a' }, { element_key_int: 3 }] } }] };
    const reply = parsed.provider.ValidateProviderConfig?.responseSerialize(diagnostics) ?? Buffer.alloc(0);
    expect(generated.provider.ValidateProviderConfig?.responseSerialize(diagnostics)).toStrictEqual(reply);
    expect(generated.provider.ValidateProviderConfig?.responseDeserialize(reply)).toStrictEqual(parsed.provider.ValidateProviderConfig?.responseDeserialize(reply));
  });

  it('refuses an array where a message belongs, as proto-loader does', () => {
    expect(() => generated.provider.GetMetadata?.requestSerialize([])).toThrow(/expected object/);
  });
});
