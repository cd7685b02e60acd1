import { capabilityTable } from '../../core/platforms/registry.js';
import { validateSpec, type ValidationIssue } from '../../core/schema/validate.js';
import type { StorefrontTokenSpec } from '../../core/schema/storefront-token.js';
import { errorDiagnostic, warningDiagnostic, type Diagnostic } from '../framework/diagnostic.js';
import type { ObjectValue } from '../framework/value.js';
import { specCodecs } from './codec.js';
import { attributePathOf, containsUnknown, toSpec } from './convert.js';

/** SpecResult is a parsed spec with its warnings, or the diagnostics that stop it. */
export type SpecResult =
  | { readonly ok: true; readonly spec: StorefrontTokenSpec; readonly warnings: readonly ValidationIssue[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

function summaryOf(issue: ValidationIssue): string {
  const field = issue.path.filter((p): p is string => typeof p === 'string').at(-1) ?? 'configuration';
  const words = field.replace(/([A-Z])/g, ' $1');
  return `Invalid ${words.charAt(0).toUpperCase()}${words.slice(1)}`;
}

/** issueDiagnostic turns a shared-schema issue into a diagnostic on the attribute it is about. */
export function issueDiagnostic(issue: ValidationIssue): Diagnostic {
  const path = attributePathOf(issue.path, specCodecs);
  const where = path.map((s) => ('attribute' in s ? `.${s.attribute}` : 'index' in s ? `[${s.index}]` : `["${s.key}"]`)).join('').slice(1);
  // Terraform (1.11) and OpenTofu resolve a diagnostic path to a source range
  // only through attributes and nested blocks, not into an object value: a
  // path into a nested attribute lands on the resource header. Pointing at
  // the top-level attribute highlights the right line; the detail names the
  // full path.
  return errorDiagnostic(summaryOf(issue), `${where === '' ? 'The configuration' : where} ${issue.message}.`, path.slice(0, 1));
}

/** parseSpec validates a wholly known configuration with the shared rules (surface terraform). */
export function parseSpec(config: ObjectValue, now: Date): SpecResult {
  const result = validateSpec(toSpec(config, specCodecs), { surface: 'terraform', now, capabilitiesOf: (p) => capabilityTable[p] });
  if (!result.ok) return { ok: false, diagnostics: result.issues.map(issueDiagnostic) };
  return { ok: true, spec: result.spec, warnings: result.warnings };
}

/**
 * validateConfig is `terraform validate`: every rule of the shared schema,
 * reported on its attribute. A configuration that still has unknown values
 * is checked again at plan, when they are known.
 */
export function validateConfig(config: ObjectValue, now: Date): Diagnostic[] {
  if (containsUnknown(config)) return [];
  const result = parseSpec(config, now);
  if (!result.ok) return [...result.diagnostics];
  return result.warnings.map((w) => {
    const path = attributePathOf(w.path, specCodecs);
    return warningDiagnostic('Setting Deserves Attention', `${path.map((s) => ('attribute' in s ? s.attribute : '')).filter(Boolean).join('.')} ${w.message}.`, path);
  });
}
