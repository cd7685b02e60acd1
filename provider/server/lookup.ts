import { errorDiagnostic } from '../framework/diagnostic.js';
import type { Diagnostic } from '../framework/diagnostic.js';
import type { ResourceDefinition } from '../framework/resource.js';
import type { ServerState } from './state.js';

/** Lookup is a resource with the provider context, or the diagnostic explaining why not. */
export type Lookup<Ctx> =
  | { readonly ok: true; readonly resource: ResourceDefinition<Ctx>; readonly context: Ctx }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** findResource finds a resource type; an unknown type means Terraform and the schema disagree. */
export function findResource<Ctx>(state: ServerState<Ctx>, typeName: string): ResourceDefinition<Ctx> | Diagnostic {
  const resource = state.resources.get(typeName);
  if (resource !== undefined) return resource;
  return errorDiagnostic(
    'Unknown Resource Type',
    `The provider "${state.definition.name}" has no resource type "${typeName}". This is a bug in the provider or a stale schema cache; run "terraform init -upgrade".`,
  );
}

/** lookupConfigured finds a resource and requires ConfigureProvider to have succeeded. */
export function lookupConfigured<Ctx>(state: ServerState<Ctx>, typeName: string): Lookup<Ctx> {
  const resource = findResource(state, typeName);
  if ('severity' in resource) return { ok: false, diagnostics: [resource] };
  if (state.configured === undefined) {
    return {
      ok: false,
      diagnostics: [
        errorDiagnostic(
          'Provider Not Configured',
          `The provider was asked to work on "${typeName}" before it was configured. Check the provider block for errors reported above.`,
        ),
      ],
    };
  }
  return { ok: true, resource, context: state.configured.context };
}
