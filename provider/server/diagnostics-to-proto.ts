import type { AttributePath, Diagnostic } from '../framework/diagnostic.js';
import { errorDiagnostic } from '../framework/diagnostic.js';
import { isProviderError } from '../errors.js';
import type { WireDiagnostic, WireStep } from './wire.js';

/** diagnosticsToProto encodes diagnostics; paths become AttributePath steps. */
export function diagnosticsToProto(diagnostics: readonly Diagnostic[]): WireDiagnostic[] {
  return diagnostics.map((d) => {
    const wire = { severity: d.severity === 'error' ? ('ERROR' as const) : ('WARNING' as const), summary: d.summary, detail: d.detail };
    return d.path === undefined ? wire : { ...wire, attribute: { steps: pathToProto(d.path) } };
  });
}

/** pathToProto encodes an attribute path (also used for requires_replace). */
export function pathToProto(path: AttributePath): WireStep[] {
  return path.map((step) => {
    if ('attribute' in step) return { attribute_name: step.attribute };
    if ('key' in step) return { element_key_string: step.key };
    return { element_key_int: step.index };
  });
}

/**
 * unexpectedErrorDiagnostic turns an exception from a handler into a
 * diagnostic, because Terraform shows gRPC errors badly and a thrown error
 * must not kill the process. Only the code and message are shown: our error
 * messages are written never to carry values.
 */
export function unexpectedErrorDiagnostic(rpc: string, error: unknown): Diagnostic {
  const code = isProviderError(error) ? `${error.code}: ` : '';
  const message = error instanceof Error ? error.message : 'non-Error value thrown';
  return errorDiagnostic(
    'Unexpected Provider Error',
    `${rpc} failed: ${code}${message}\n\nThis is a bug in the provider; please report it to the provider developers.`,
  );
}
