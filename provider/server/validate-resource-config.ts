import type { Diagnostic } from '../framework/diagnostic.js';
import type { ObjectValue } from '../framework/value.js';
import type { ResourceSchema } from '../framework/schema.js';
import { decodeObject } from './dynamic-value.js';
import { diagnosticsToProto } from './diagnostics-to-proto.js';
import { findResource } from './lookup.js';
import type { ServerState } from './state.js';
import type { RequestWithConfig, WireDiagnostic } from './wire.js';

/** Validatable is what validation needs of a managed or ephemeral resource type. */
export interface Validatable {
  readonly schema: ResourceSchema;
  validate?(request: { readonly config: ObjectValue }): readonly Diagnostic[] | Promise<readonly Diagnostic[]>;
}

/** validateFound runs a found type's checks on a config, or answers the lookup's diagnostic. */
export async function validateFound(found: Validatable | Diagnostic, request: RequestWithConfig): Promise<{ diagnostics: WireDiagnostic[] }> {
  if ('severity' in found) return { diagnostics: diagnosticsToProto([found]) };
  const config = decodeObject(request.config, found.schema.block) ?? {};
  const diagnostics: readonly Diagnostic[] = (await found.validate?.({ config })) ?? [];
  return { diagnostics: diagnosticsToProto(diagnostics) };
}

/** validateResourceConfig runs a resource's checks; it runs before configure, so there is no context. */
export function validateResourceConfig<Ctx>(state: ServerState<Ctx>, request: RequestWithConfig): Promise<{ diagnostics: WireDiagnostic[] }> {
  return validateFound(findResource(state, request.type_name), request);
}
