import { defineConfig } from 'vitest/config';

// One run covers unit, contract, integration and end-to-end tests. Suites that
// need the local control plane or terraform start them through globalSetup, so
// `npm test` on a fresh machine builds or reuses what they need.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    pool: 'forks',
    // Starts nothing by itself: the control plane boots on the first useControlPlane() call.
    globalSetup: ['test/controlplane/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
