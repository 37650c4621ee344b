import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/** Packages the agent side (tentacle, protocol, pki, sdk, octl) must never pull in. */
const serverOnly = ['@nestjs/*', '@prisma/*', 'prisma', 'bullmq', '@nestjs/bullmq', 'ioredis', 'pg'];

export default [
  { ignores: ['**/dist', '**/node_modules', '**/generated', '.run', '.nx'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // Apps are leaves: nothing imports an app.
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:testing'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:lib'] },
            // The agent runtime stays small and portable: no Nest, Prisma, BullMQ or Redis client.
            {
              sourceTag: 'runtime:agent',
              onlyDependOnLibsWithTags: ['runtime:agent', 'type:testing'],
              bannedExternalImports: serverOnly,
            },
            // Host sampling uses Node built-ins and protocol types only (vitest for its specs).
            {
              sourceTag: 'scope:host',
              onlyDependOnLibsWithTags: ['scope:protocol'],
              allowedExternalImports: ['vitest'],
            },
            // Log files use Node built-ins only: brain and tentacle both write and read them.
            {
              sourceTag: 'scope:logfiles',
              onlyDependOnLibsWithTags: [],
              allowedExternalImports: ['vitest'],
            },
            // Releases are checked with Node built-ins, zod and tar-stream: tools, pakma and the brain share them.
            {
              sourceTag: 'scope:release',
              onlyDependOnLibsWithTags: [],
              allowedExternalImports: ['vitest', 'zod', 'tar-stream'],
            },
            // pakma watches the tentacle from outside: releases, config, systemd readiness; never the wire protocol.
            {
              sourceTag: 'scope:pakma',
              onlyDependOnLibsWithTags: ['scope:release', 'scope:config', 'scope:host', 'type:testing'],
              bannedExternalImports: [...serverOnly, 'ws'],
            },
            // octl talks to the brain only through the SDK: no raw HTTP, no wire protocol.
            {
              sourceTag: 'scope:octl',
              onlyDependOnLibsWithTags: ['scope:sdk', 'scope:pki', 'scope:files', 'type:testing'],
              bannedExternalImports: [...serverOnly, 'ws', 'undici', 'axios'],
            },
          ],
        },
      ],
    },
  },
  {
    // Host status is sampled every second, in the brain too: a spawned process there blocks the event loop.
    files: ['libs/host/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['child_process', 'node:child_process'].map((name) => ({
            name,
            message: 'read /proc, os and statfs instead of spawning processes',
          })),
        },
      ],
    },
  },
  {
    // octl reaches the brain only through @octopod/sdk: no HTTP or sockets of its own (tests may run fake servers).
    files: ['apps/octl/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*-spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['http', 'https', 'node:http', 'node:https', 'net', 'node:net', 'tls', 'node:tls'].map(
            (name) => ({
              name,
              message: 'octl talks to the brain only through @octopod/sdk',
            }),
          ),
        },
      ],
    },
  },
];
