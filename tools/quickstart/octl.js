#!/usr/bin/env node
// `npm run -s octl -- <args>`: the built octl, pointed at the quick start's brain.
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS script that node runs as is */
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { constants } = require('node:os');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '../..');
const config = join(root, '.run/quickstart/config/octl.yaml');
const main = join(root, 'apps/octl/dist/main.js');

if (!existsSync(config)) {
  console.error(
    'octl: no quick start found (.run/quickstart/config/octl.yaml). Run `npm run quickstart` first.',
  );
  process.exit(1);
}
if (!existsSync(main)) {
  console.error(
    'octl: apps/octl/dist/main.js is missing. Build first: `npm run build` (or `npm run quickstart`).',
  );
  process.exit(1);
}

const result = spawnSync(process.execPath, [main, '--config', config, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
if (result.error) {
  console.error(`octl: ${result.error.message}`);
  process.exit(1);
}
// A signal-ended octl exits as a shell would report it (128 + signal number).
process.exit(result.status ?? 128 + (constants.signals[result.signal] ?? 1));
