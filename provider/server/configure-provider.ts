import { hasErrors } from '../framework/diagnostic.js';
import { decodeObject } from './dynamic-value.js';
import { diagnosticsToProto } from './diagnostics-to-proto.js';
import type { ServerState } from './state.js';
import type { WireDiagnostic, WireDynamicValue } from './wire.js';

/** configureProvider builds the resource context from the provider block and keeps it for this process. */
export async function configureProvider<Ctx>(
  state: ServerState<Ctx>,
  request: { readonly terraform_version: string; readonly config: WireDynamicValue | null },
): Promise<{ diagnostics: WireDiagnostic[] }> {
  const config = decodeObject(request.config, state.definition.schema) ?? {};
  const result = await state.definition.configure({ config, terraformVersion: request.terraform_version });
  const diagnostics = result.diagnostics ?? [];
  if (!hasErrors(diagnostics) && result.context !== undefined) state.configured = { context: result.context };
  state.log.log('debug', 'provider configured', { terraform_version: request.terraform_version, ok: state.configured !== undefined });
  return { diagnostics: diagnosticsToProto(diagnostics) };
}
