import { defineConfig } from 'vitest/config';

// Files that act cluster-wide (an operator without a namespace limit, a Helm
// release with cluster RBAC, CRD or admission-policy changes, control-plane
// restarts) or hold one process's view of the whole cluster run alone, after
// the rest. Everything else is isolated by its own namespace, sandbox and
// operator process, and mostly waits on sleeps, kills and terraform, so two
// files at a time on two cores shorten the run without sharing any state.
const exclusive = [
  'test/controlplane/**/*.test.ts',
  'test/helm/**/*.test.ts',
  'test/image/**/*.test.ts',
  'test/gitops/**/*.test.ts',
  'test/operator/deploy.test.ts',
];

// One run covers unit, contract, integration and end-to-end tests. Suites that
// need the local control plane or terraform start them through globalSetup, so
// `npm test` on a fresh machine builds or reuses what they need.
export default defineConfig({
  test: {
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    pool: 'forks',
    // Starts nothing by itself: the control plane boots on the first useControlPlane() call.
    globalSetup: ['test/controlplane/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'isolated', include: ['**/*.test.ts'], exclude: ['node_modules/**', 'dist/**', ...exclusive], maxWorkers: Number(process.env['SFTOKEN_TEST_WORKERS'] ?? 2), sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'exclusive', include: exclusive, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
