import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // detects python3/nibabel/scipy/torch, chromium and mricron-data once; says what was skipped
    globalSetup: ['test/helpers/references-setup.ts'],
    // TensorFlow.js backends are process-global state; forks keep test files apart.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
