import { defineConfig } from 'vitest/config';
import root from '../../vitest.config.js';

// Runs only the control-plane suites with the shared-control-plane globalSetup,
// independently of what the root config carries:
//   npx vitest run --config test/controlplane/vitest.config.ts
export default defineConfig({
  ...root,
  test: {
    ...root.test,
    include: ['test/controlplane/**/*.test.ts'],
    globalSetup: ['test/controlplane/global-setup.ts'],
  },
});
