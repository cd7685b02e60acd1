import type { Diagnostic } from '../framework/diagnostic.js';
import { decodeObject } from './dynamic-value.js';
import { diagnosticsToProto } from './diagnostics-to-proto.js';
import type { ServerState } from './state.js';
import type { WireDiagnostic, WireDynamicValue } from './wire.js';

/** validateProviderConfig runs the provider's own checks on the provider block. */
export async function validateProviderConfig<Ctx>(
  state: ServerState<Ctx>,
  request: { readonly config: WireDynamicValue | null },
): Promise<{ diagnostics: WireDiagnostic[] }> {
  const config = decodeObject(request.config, state.definition.schema) ?? {};
  const diagnostics: readonly Diagnostic[] = (await state.definition.validate?.({ config })) ?? [];
  return { diagnostics: diagnosticsToProto(diagnostics) };
}
