import type { ServerState } from './state.js';

/** GetMetadataResponse lists resource and ephemeral resource types without their schemas. */
export interface GetMetadataResponse {
  readonly server_capabilities: { readonly plan_destroy: boolean; readonly get_provider_schema_optional: boolean };
  readonly diagnostics: readonly never[];
  readonly resources: readonly { readonly type_name: string }[];
  readonly data_sources: readonly never[];
  readonly ephemeral_resources: readonly { readonly type_name: string }[];
}

/** getMetadata is cheap metadata; Terraform 1.11 does not call it but newer clients may. */
export function getMetadata<Ctx>(state: ServerState<Ctx>): Promise<GetMetadataResponse> {
  return Promise.resolve({
    server_capabilities: { plan_destroy: false, get_provider_schema_optional: false },
    diagnostics: [],
    resources: state.definition.resources.map((r) => ({ type_name: r.typeName })),
    data_sources: [],
    ephemeral_resources: (state.definition.ephemeralResources ?? []).map((r) => ({ type_name: r.typeName })),
  });
}
