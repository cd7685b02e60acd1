import { blockToProto, schemaToProto } from './schema-to-proto.js';
import type { ServerState } from './state.js';
import type { WireSchema } from './wire.js';

/** GetProviderSchemaResponse is the provider, resource and ephemeral resource schemas. */
export interface GetProviderSchemaResponse {
  readonly provider: WireSchema;
  readonly resource_schemas: Record<string, WireSchema>;
  readonly data_source_schemas: Record<string, WireSchema>;
  readonly ephemeral_resource_schemas: Record<string, WireSchema>;
  readonly diagnostics: readonly never[];
  readonly server_capabilities: { readonly plan_destroy: boolean; readonly get_provider_schema_optional: boolean; readonly move_resource_state: boolean };
}

/**
 * getProviderSchema answers the first call of every process. The provider
 * schema must be present (an empty block at least), or Terraform fails.
 */
export function getProviderSchema<Ctx>(state: ServerState<Ctx>): Promise<GetProviderSchemaResponse> {
  const resourceSchemas: Record<string, WireSchema> = {};
  for (const resource of state.definition.resources) resourceSchemas[resource.typeName] = schemaToProto(resource.schema);
  const ephemeralSchemas: Record<string, WireSchema> = {};
  for (const resource of state.definition.ephemeralResources ?? []) ephemeralSchemas[resource.typeName] = schemaToProto(resource.schema);
  return Promise.resolve({
    provider: { version: 0, block: blockToProto(state.definition.schema) },
    resource_schemas: resourceSchemas,
    data_source_schemas: {},
    ephemeral_resource_schemas: ephemeralSchemas,
    diagnostics: [],
    server_capabilities: { plan_destroy: false, get_provider_schema_optional: false, move_resource_state: false },
  });
}
