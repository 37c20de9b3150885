import { defineConfig } from 'vitest/config';

// Two projects so the fast loop stays fast: `unit` is pure and in-process; `integration` starts
// emulators (moto, the GCP and GitHub doubles, a SCIM server) on loopback.
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
