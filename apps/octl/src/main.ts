#!/usr/bin/env node
import { homedir } from 'node:os';
import { runOctl } from './cli';

runOctl(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  home: homedir(),
  signals: process,
  stdin: process.stdin,
}).then((code) => {
  process.exitCode = code;
});
