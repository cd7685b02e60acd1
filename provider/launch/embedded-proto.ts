import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ProviderError } from '../errors.js';
import type * as onDisk from '../plugin/proto.js';

// The standalone executable's stand-in for provider/plugin/proto.ts: the
// release build (provider/tooling/sea.ts) bundles this module in its place,
// so the protos travel inside the executable instead of in a proto/ folder
// beside it. The build parses provider/proto/*.proto with the same protobufjs
// proto-loader uses and defines __SFTOKEN_EMBEDDED_PROTOS__ as that
// descriptor's JSON; proto-loader's fromJSON then yields the same service
// definitions loadSync does.

declare const __SFTOKEN_EMBEDDED_PROTOS__: string | undefined;

// Same as provider/plugin/proto.ts; keepCase is applied by the build's parse.
const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true };

/** EMBEDDED_PROTO_DIR is what protoDirectory reports: nothing is read from disk. */
export const EMBEDDED_PROTO_DIR = '<embedded>';

/** protoDirectory names no directory: the protos are compiled into the bundle. */
export const protoDirectory: typeof onDisk.protoDirectory = () => EMBEDDED_PROTO_DIR;

/** loadProtoServices builds tfplugin6.Provider and plugin.GRPCController from the embedded descriptor. */
export const loadProtoServices: typeof onDisk.loadProtoServices = () => {
  if (typeof __SFTOKEN_EMBEDDED_PROTOS__ !== 'string') {
    throw new ProviderError('ERR_PROTO_NOT_FOUND', 'this bundle was built without embedded protos (build it with provider/tooling/sea.ts)');
  }
  const definition = protoLoader.fromJSON(JSON.parse(__SFTOKEN_EMBEDDED_PROTOS__) as Parameters<typeof protoLoader.fromJSON>[0], LOADER_OPTIONS);
  const loaded = grpc.loadPackageDefinition(definition);
  const provider = (loaded.tfplugin6 as grpc.GrpcObject | undefined)?.Provider;
  const controller = (loaded.plugin as grpc.GrpcObject | undefined)?.GRPCController;
  if (typeof provider !== 'function' || typeof controller !== 'function') {
    throw new ProviderError('ERR_PROTO_NOT_FOUND', 'the embedded protos lack tfplugin6.Provider or plugin.GRPCController');
  }
  return { provider: provider.service, controller: controller.service };
};
