import { defineConfig } from 'vitest/config';

// Unit tests need nothing running; everything else shares one local stack started by the global setup.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
