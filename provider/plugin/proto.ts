import type * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs/light.js';
import { ProviderError } from '../errors.js';
import { PROTO_DESCRIPTOR } from './proto-descriptor.generated.js';

// The services come from a descriptor generated at build time from
// provider/proto (scripts/generate.ts), not from .proto text: parsing the
// protos, and proto-loader's per-message descriptors that grpc-js never
// reads, were the largest share of a provider's start. The serializers are
// @grpc/proto-loader's: fromObject+encode out, decode+toObject in.

/** CONVERSION makes messages plain objects: numbers for int64, enum names, defaults, oneof names. */
const CONVERSION: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: true, oneofs: true };

/** ProtoServices are the two gRPC services a provider process serves. */
export interface ProtoServices {
  /** provider is tfplugin6.Provider. */
  readonly provider: grpc.ServiceDefinition;
  /** controller is plugin.GRPCController (Shutdown). */
  readonly controller: grpc.ServiceDefinition;
}

/** loadProtoServices builds tfplugin6.Provider and plugin.GRPCController from the generated descriptor. */
export function loadProtoServices(descriptor: Readonly<Record<string, unknown>> = PROTO_DESCRIPTOR): ProtoServices {
  const root = protobuf.Root.fromJSON(descriptor);
  root.resolveAll();
  return { provider: serviceDefinition(root, 'tfplugin6.Provider'), controller: serviceDefinition(root, 'plugin.GRPCController') };
}

function serviceDefinition(root: protobuf.Root, name: string): grpc.ServiceDefinition {
  const service = root.lookup(name);
  if (!(service instanceof protobuf.Service)) throw new ProviderError('ERR_PROTO_NOT_FOUND', `the generated proto descriptor lacks ${name}`);
  const definition: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const method of service.methodsArray) {
    const request = method.resolvedRequestType;
    const response = method.resolvedResponseType;
    if (request === null || response === null) throw new ProviderError('ERR_PROTO_NOT_FOUND', `${name}.${method.name} has unresolved types`);
    definition[method.name] = {
      path: `/${name}/${method.name}`,
      requestStream: method.requestStream === true,
      responseStream: method.responseStream === true,
      requestSerialize: serializer(request),
      requestDeserialize: deserializer(request),
      responseSerialize: serializer(response),
      responseDeserialize: deserializer(response),
      // What lodash.camelcase makes of proto-loader's PascalCase method names.
      originalName: method.name.charAt(0).toLowerCase() + method.name.slice(1),
    };
  }
  return definition;
}

function serializer(type: protobuf.Type): (value: object) => Buffer {
  return (value) => {
    if (Array.isArray(value)) throw new Error(`Failed to serialize message: expected object with ${type.name} structure, got array instead`);
    return Buffer.from(type.encode(type.fromObject(value as Record<string, unknown>)).finish());
  };
}

function deserializer(type: protobuf.Type): (bytes: Buffer) => object {
  return (bytes) => type.toObject(type.decode(bytes), CONVERSION);
}
