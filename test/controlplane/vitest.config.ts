import { defineConfig } from 'vitest/config';
import root from '../../vitest.config.js';

// Runs only the control-plane suites with the shared-control-plane globalSetup,
// independently of the root config's projects:
//   npx vitest run --config test/controlplane/vitest.config.ts
const { projects: _projects, ...base } = root.test ?? {};

export default defineConfig({
  ...root,
  test: {
    ...base,
    include: ['test/controlplane/**/*.test.ts'],
    globalSetup: ['test/controlplane/global-setup.ts'],
  },
});
