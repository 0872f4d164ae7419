import { defineConfig } from 'vitest/config';

/**
 * The unit tests alone, for `npm run test:mutation` (stryker.config.json): StrykerJS mutates the pure
 * rules in src/domain/ and runs these against each mutant. Integration tests stay out: they need
 * databases and take minutes, and the rules must be pinned by their own tests.
 */
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
