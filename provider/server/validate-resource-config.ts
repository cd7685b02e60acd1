import type { Diagnostic } from '../framework/diagnostic.js';
import { decodeObject } from './dynamic-value.js';
import { diagnosticsToProto } from './diagnostics-to-proto.js';
import { findResource } from './lookup.js';
import type { ServerState } from './state.js';
import type { RequestWithConfig, WireDiagnostic } from './wire.js';

/** validateResourceConfig runs a resource's checks; it runs before configure, so there is no context. */
export async function validateResourceConfig<Ctx>(
  state: ServerState<Ctx>,
  request: RequestWithConfig,
): Promise<{ diagnostics: WireDiagnostic[] }> {
  const resource = findResource(state, request.type_name);
  if ('severity' in resource) return { diagnostics: diagnosticsToProto([resource]) };
  const config = decodeObject(request.config, resource.schema.block) ?? {};
  const diagnostics: readonly Diagnostic[] = (await resource.validate?.({ config })) ?? [];
  return { diagnostics: diagnosticsToProto(diagnostics) };
}
