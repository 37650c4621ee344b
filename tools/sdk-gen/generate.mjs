#!/usr/bin/env node
// Generates libs/sdk/src/generated/api.ts from the brain's OpenAPI document, or with --check verifies that the
// committed file matches it (exit 1 on drift). Usage:
//   node tools/sdk-gen/generate.mjs [--check] [--out <api.ts>] [<openapi.json>]
// The input defaults to apps/brain/openapi.json; there is deliberately no silent fallback to another document.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderApi, SpecError, summarize } from './render.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DEFAULT_INPUT = resolve(root, 'apps/brain/openapi.json');
const DEFAULT_OUTPUT = resolve(root, 'libs/sdk/src/generated/api.ts');
/** Operations the SDK writes by hand: the event stream needs a streaming reader, not a JSON request. */
const HAND_WRITTEN = {
  taskEvents: 'server-sent events, read by OctopodClient.streamTaskEvents',
  uploadBlob: 'a streamed request body, sent by OctopodClient.uploadBlob',
  downloadBlob: 'a streamed response body, read by OctopodClient.downloadBlob',
  nodeFileContent: 'a streamed response body, read by OctopodClient.nodeFileContent',
};
const USAGE = 'usage: node tools/sdk-gen/generate.mjs [--check] [--out <api.ts>] [<openapi.json>]';

function fail(message, code = 2) {
  console.error(`sdk-gen: ${message}`);
  process.exit(code);
}

function parseArgs(argv) {
  const options = { check: false, input: undefined, output: DEFAULT_OUTPUT };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--check') options.check = true;
    else if (arg === '--out') {
      if (!argv[i + 1]) fail(`--out needs a file\n${USAGE}`);
      options.output = resolve(argv[++i]);
    } else if (arg === '-h' || arg === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg.startsWith('-')) fail(`unknown option ${arg}\n${USAGE}`);
    else if (options.input) fail(`only one input document, got ${options.input} and ${arg}\n${USAGE}`);
    else options.input = resolve(arg);
  }
  options.input ??= DEFAULT_INPUT;
  return options;
}

const show = (path) => relative(process.cwd(), path) || path;

function firstDifference(a, b) {
  const left = a.split('\n');
  const right = b.split('\n');
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    if (left[i] !== right[i]) {
      return `first difference at line ${i + 1}:\n  committed: ${left[i] ?? '<end of file>'}\n  generated: ${right[i] ?? '<end of file>'}`;
    }
  }
  return '';
}

const options = parseArgs(process.argv.slice(2));
if (!existsSync(options.input)) {
  const hint =
    options.input === DEFAULT_INPUT
      ? ' (build the brain and run `node apps/brain/dist/tools/openapi.js`, or pass a document path)'
      : '';
  fail(`OpenAPI document not found: ${show(options.input)}${hint}`);
}
let doc;
try {
  doc = JSON.parse(readFileSync(options.input, 'utf8'));
} catch (error) {
  fail(`cannot read ${show(options.input)}: ${error.message}`);
}
let code;
try {
  code = renderApi(doc, { omit: HAND_WRITTEN });
} catch (error) {
  if (error instanceof SpecError) fail(`${show(options.input)}: ${error.message}`);
  throw error;
}
const current = existsSync(options.output) ? readFileSync(options.output, 'utf8') : undefined;
const regenerate = `node tools/sdk-gen/generate.mjs ${relative(root, options.input)}`;

if (options.check) {
  if (current === code) {
    console.log(`sdk-gen: ${show(options.output)} is up to date with ${show(options.input)}`);
    process.exit(0);
  }
  const detail = current === undefined ? 'it does not exist' : firstDifference(current, code);
  fail(
    `${show(options.output)} is out of date with ${show(options.input)}; ${detail}\nRun \`${regenerate}\` and commit the result.`,
    1,
  );
}

if (current === code) {
  console.log(`sdk-gen: ${show(options.output)} already up to date`);
} else {
  mkdirSync(dirname(options.output), { recursive: true });
  writeFileSync(options.output, code);
  const { schemas, operations } = summarize(doc);
  console.log(`sdk-gen: wrote ${show(options.output)} (${schemas} schemas, ${operations} operations)`);
}
