import type { Violation } from './conformance.js';

/** describeViolation names the request a violation came from and what did not match, in one line. */
export function describeViolation(v: Violation): string {
  const answer = v.status === null ? '' : ` answered ${String(v.status)}`;
  return `${v.platform} ${v.operationId}: ${v.direction} of ${v.method} ${v.path}${answer}: ${v.errors.join('; ')}`;
}

/** violationReport is the failure message for violations found where none were allowed; empty when there are none. */
export function violationReport(violations: readonly Violation[], where: string): string {
  if (violations.length === 0) return '';
  const lines = violations.slice(0, 20).map((v) => `  - ${describeViolation(v)}`);
  const more = violations.length > 20 ? [`  … and ${String(violations.length - 20)} more`] : [];
  return [`${String(violations.length)} OpenAPI violation(s) ${where}:`, ...lines, ...more].join('\n');
}
