/** PathStep is one step of an attribute path: an attribute, a map key or a list index. */
export type PathStep =
  | { readonly attribute: string }
  | { readonly key: string }
  | { readonly index: number };

/** AttributePath points Terraform at the part of the configuration a diagnostic is about. */
export type AttributePath = readonly PathStep[];

/** Severity of a diagnostic; any error makes Terraform stop the operation. */
export type Severity = 'error' | 'warning';

/**
 * A Diagnostic is how a provider talks to the practitioner: a Title Case
 * summary, a detail that says what to do and whose fault it is, and
 * optionally the attribute it is about. It must never contain a secret.
 */
export interface Diagnostic {
  /** severity decides whether Terraform stops. */
  readonly severity: Severity;
  /** summary is a short Title Case headline, e.g. "Invalid Token Lifetime". */
  readonly summary: string;
  /** detail is everything needed to fix the problem. */
  readonly detail: string;
  /** path is the attribute the diagnostic is about, if any. */
  readonly path?: AttributePath;
}

/**
 * attributePath builds a path from plain steps: strings are attribute names,
 * numbers are list indexes. Use `{ key }` for map keys.
 */
export function attributePath(...steps: readonly (string | number | PathStep)[]): AttributePath {
  return steps.map((step) => {
    if (typeof step === 'string') return { attribute: step };
    if (typeof step === 'number') return { index: step };
    return step;
  });
}

/** errorDiagnostic builds an error diagnostic, with a path when one is given. */
export function errorDiagnostic(summary: string, detail: string, path?: AttributePath): Diagnostic {
  return path === undefined ? { severity: 'error', summary, detail } : { severity: 'error', summary, detail, path };
}

/** warningDiagnostic builds a warning diagnostic, with a path when one is given. */
export function warningDiagnostic(summary: string, detail: string, path?: AttributePath): Diagnostic {
  return path === undefined ? { severity: 'warning', summary, detail } : { severity: 'warning', summary, detail, path };
}

/** hasErrors tells whether any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
