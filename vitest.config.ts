import { defineConfig } from 'vitest/config';

// Three projects: `unit` needs nothing running (domain, handlers with fixtures, CDK assertions);
// `stack` shares one local stack (emulators + function host on free ports) started by its global setup;
// `reliability` has a stack of its own (fault proxies, short visibility timeout, captured function logs),
// whose files run one at a time because they inject faults into it; the crash test starts its own.
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/infra/**/*.test.ts'],
          testTimeout: 30_000,
          // CDK synthesis in beforeAll takes seconds, more on a loaded machine.
          hookTimeout: 120_000,
          // Handlers log refusals and failures by design; unit tests need not print them.
          env: { LOG_LEVEL: 'SILENT' },
        },
      },
      {
        test: {
          name: 'stack',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'reliability',
          include: ['test/reliability/**/*.test.ts'],
          globalSetup: ['test/reliability/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
          fileParallelism: false,
        },
      },
    ],
  },
});
