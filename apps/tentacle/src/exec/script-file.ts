import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { utf8Tail } from './output';

const MAX_NAME_LENGTH = 128;

/**
 * A name that is safe as one file name: no path separators, no `..`, no NUL or control characters, not
 * empty and not hidden. Plain names (`deploy.sh`) pass through unchanged.
 */
export function sanitiseFileName(name: string, fallback = 'script'): string {
  const safe = name
    .replace(/[/\\\u0000-\u001f\u007f]/g, '_')
    .replace(/\.{2,}/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, MAX_NAME_LENGTH);
  return safe || fallback;
}

export interface ScriptFile {
  dir: string;
  /** The script's own name, sanitised. */
  name: string;
  /** Its file in `dir`: `<invocationId>-<name>`. */
  fileName: string;
  path: string;
  outputPath: string;
}

/** Where a script of this invocation lives: `<scriptsDir>/<invocationId>-<name>`, its result beside it. */
export function scriptFilePlace(scriptsDir: string, invocationId: string, name: string): ScriptFile {
  const safeName = sanitiseFileName(name);
  const fileName = `${sanitiseFileName(invocationId, 'invocation')}-${safeName}`;
  const path = join(scriptsDir, fileName);
  return { dir: scriptsDir, name: safeName, fileName, path, outputPath: `${path}.output` };
}

/** Writes the script and an empty output file (the script appends to it). Throws on a write failure. */
export function writeScript(place: ScriptFile, contentBase64: string): void {
  mkdirSync(place.dir, { recursive: true });
  writeFileSync(place.path, Buffer.from(contentBase64, 'base64'), { mode: 0o700 });
  writeFileSync(place.outputPath, '', { mode: 0o600 });
}

/** The script's result (at most `maxBytes`, its end), then both files are removed. */
export function collectScriptOutput(place: ScriptFile, maxBytes: number): string {
  let output = '';
  try {
    const bytes = readFileSync(place.outputPath);
    output = utf8Tail(bytes, maxBytes);
  } catch {
    // The script removed its output file: it reported nothing.
  }
  removeScript(place);
  return output;
}

export function removeScript(place: ScriptFile): void {
  rmSync(place.path, { force: true });
  rmSync(place.outputPath, { force: true });
}
