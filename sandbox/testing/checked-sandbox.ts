import { afterAll, afterEach } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../index.js';
import { violationReport } from '../violation-report.js';

// How many of each checked sandbox's violations have been reported already.
const checked = new Map<Sandbox, number>();

/** failOnNewViolations throws, naming each request, if a checked sandbox recorded violations since the last check. */
export function failOnNewViolations(where: string): void {
  const found: string[] = [];
  for (const [sandbox, seen] of checked) {
    const all = sandbox.violations();
    checked.set(sandbox, all.length);
    const report = violationReport(all.slice(seen), where);
    if (report !== '') found.push(report);
  }
  if (found.length > 0) throw new Error(found.join('\n'));
}

// Registered when a test file imports this module (as testing-library's cleanup is), so every
// test of that file is checked: a violation fails the test during which the sandbox recorded it,
// and one recorded in hooks or after the last test fails the file.
afterEach(() => {
  failOnNewViolations('recorded by the sandbox during this test (requests and answers must match the platform\'s OpenAPI document)');
});
afterAll(() => {
  failOnNewViolations('recorded by the sandbox after the last test of this file');
});

/**
 * startCheckedSandbox starts a sandbox that validates every documented
 * request and answer against the platform's OpenAPI document and fails the
 * running test on any violation, naming the request. End-to-end, crash and
 * benchmark-style tests start their sandbox through it (tests that send bad
 * requests on purpose use startSandbox with `validate: true` instead).
 */
export async function startCheckedSandbox(options: Omit<SandboxOptions, 'validate'> = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({ ...options, validate: true });
  checked.set(sandbox, 0);
  return sandbox;
}
