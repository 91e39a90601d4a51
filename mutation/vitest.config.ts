import { defineConfig } from 'vitest/config';

// The tests mutation testing runs: those that exercise the mutated modules in-process. Tests that
// drive the CLI or the engine as a child process run the built dist/, never the mutant.
export default defineConfig({
  test: {
    include: [
      'test/risk/**/*.test.ts',
      'test/execution/**/*.test.ts',
      'test/gateway/**/*.test.ts',
      'test/store/**/*.test.ts',
      'test/kernels/**/*.test.ts',
      'test/integration/gateway-store.test.ts',
      'test/integration/market-sources.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
