import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // TensorFlow.js backends are process-global state; forks keep test files apart.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
