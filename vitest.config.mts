import { defineConfig } from 'vitest/config';
import { resolve } from 'node:path';

const libs = [
  'protocol',
  'pki',
  'config',
  'host',
  'files',
  'logfiles',
  'release',
  'scenario',
  'sdk',
  'testing',
];
/** Tests import libraries from source, so no build is needed for unit and integration tiers. */
const alias = Object.fromEntries(
  libs.map((lib) => [`@octopod/${lib}`, resolve(import.meta.dirname, `libs/${lib}/src/index.ts`)]),
);

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['apps/*/src/**/*.spec.ts', 'libs/*/src/**/*.spec.ts', 'tools/**/*.spec.ts'],
          environment: 'node',
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: [
            'apps/*/src/**/*.integration-spec.ts',
            'libs/*/src/**/*.integration-spec.ts',
            'tools/**/*.integration-spec.ts',
          ],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e-spec.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // e2e suites start whole stacks; two at a time fits a 2-core machine.
          maxWorkers: 2,
        },
      },
    ],
  },
});
