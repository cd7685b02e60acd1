import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ProviderError } from '../errors.js';

/** LOADER_OPTIONS make messages plain objects: snake_case keys, numbers for int64, enum names, oneof names. */
const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true };

/** ProtoServices are the two gRPC services a provider process serves. */
export interface ProtoServices {
  /** provider is tfplugin6.Provider. */
  readonly provider: grpc.ServiceDefinition;
  /** controller is plugin.GRPCController (Shutdown). */
  readonly controller: grpc.ServiceDefinition;
}

/**
 * protoDirectory finds our .proto files: next to a bundle (`<bundle dir>/proto`,
 * where build.ts copies them) or in the source tree (`provider/proto`).
 */
export function protoDirectory(from: string = import.meta.url): string {
  for (const candidate of ['./proto/', '../proto/']) {
    const dir = fileURLToPath(new URL(candidate, from));
    if (existsSync(`${dir}tfplugin6.proto`)) return dir;
  }
  throw new ProviderError('ERR_PROTO_NOT_FOUND', `tfplugin6.proto not found next to ${fileURLToPath(from)}`);
}

/** loadProtoServices parses our authored tfplugin6 and go-plugin controller protos. */
export function loadProtoServices(dir: string = protoDirectory()): ProtoServices {
  const definition = protoLoader.loadSync(['tfplugin6.proto', 'grpc_controller.proto'], { ...LOADER_OPTIONS, includeDirs: [dir] });
  const loaded = grpc.loadPackageDefinition(definition);
  const provider = (loaded.tfplugin6 as grpc.GrpcObject | undefined)?.Provider;
  const controller = (loaded.plugin as grpc.GrpcObject | undefined)?.GRPCController;
  if (typeof provider !== 'function' || typeof controller !== 'function') {
    throw new ProviderError('ERR_PROTO_NOT_FOUND', `protos in ${dir} lack tfplugin6.Provider or plugin.GRPCController`);
  }
  return { provider: provider.service, controller: controller.service };
}
