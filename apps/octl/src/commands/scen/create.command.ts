import type { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { OctlError, UsageError } from '../../errors';
import type { OutputSink } from '../../output/output';
import { DEFAULT_APP, templateFiles } from './scen-template';

const PLAIN_NAME = /^[A-Za-z0-9._-]+$/;
/** App folders sit beside these files in the scenario folder. */
const RESERVED_APP_NAMES = new Set(['deployment.yaml', 'alias.yaml']);

function checkName(kind: 'scenario' | 'application', name: string): void {
  if (name === '') throw new OctlError(`${kind} name is empty`);
  if (!PLAIN_NAME.test(name) || name === '.' || name === '..') {
    throw new OctlError(`${kind} name "${name}" is not a plain name (letters, digits, ".", "_", "-")`);
  }
}

/** `[with <app>...]` → the app names; none given ⇒ Octopoda's `YourApp`. */
export function parseApps(words: readonly string[]): string[] {
  if (words.length === 0) return [DEFAULT_APP];
  if (words[0] !== 'with')
    throw new UsageError(`expected "with <app>..." after the scenario, got "${words[0]}"`);
  if (words.length === 1) throw new UsageError('"with" needs at least one application name');
  return words.slice(1);
}

function checkNames(scenario: string, apps: readonly string[]): void {
  checkName('scenario', scenario);
  const seen = new Set<string>();
  for (const app of apps) {
    checkName('application', app);
    if (RESERVED_APP_NAMES.has(app)) throw new OctlError(`application name "${app}" is reserved`);
    if (seen.has(app)) throw new OctlError(`application "${app}" is given twice`);
    seen.add(app);
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Writes the whole tree into a hidden sibling, then renames it into place: a failure leaves nothing behind. */
function writeTree(target: string, files: ReturnType<typeof templateFiles>): void {
  const staging = join(dirname(target), `.${randomBytes(6).toString('hex')}.octl-scen-create`);
  mkdirSync(staging);
  try {
    for (const file of files) {
      const path = join(staging, file.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.content, { mode: file.executable ? 0o755 : 0o644, flag: 'wx' });
    }
    if (exists(target)) throw new OctlError(`${target} already exists`);
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

export interface ScenCreateResult {
  scenario: string;
  path: string;
  applications: string[];
}

/** `octl scen create <scen> [with <app>...]` in `cwd`. */
export function scenCreate(cwd: string, scenario: string, words: readonly string[], out: OutputSink): void {
  const apps = parseApps(words);
  checkNames(scenario, apps);
  const target = resolve(cwd, scenario);
  if (exists(target)) throw new OctlError(`cannot create scenario ${scenario}: ${target} already exists`);
  try {
    writeTree(target, templateFiles(scenario, apps));
  } catch (error) {
    if (error instanceof OctlError)
      throw new OctlError(`cannot create scenario ${scenario}: ${error.message}`);
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new OctlError(`cannot create scenario ${scenario} in ${cwd}: ${reason}`);
  }
  const next = `edit ${scenario}/deployment.yaml, then: octl scen apply ${scenario}`;
  const result: ScenCreateResult & { next: string } = { scenario, path: target, applications: apps, next };
  out.print({
    data: result,
    table: () =>
      `created scenario ${scenario} (applications: ${apps.join(', ')}) in ${target}\nnext: ${next}`,
  });
}

export function registerScenCreate(scen: Command, cwd: string, output: () => OutputSink): void {
  scen
    .command('create')
    .description(
      "write a scenario folder from Octopoda's template: deployment.yaml, alias.yaml, scripts, sources",
    )
    .usage('[options] <scen> [with <app>...]')
    .argument('<scen>', 'scenario name; the folder ./<scen> must not exist yet')
    .argument('[with...]', `"with" then the application names (default: one app, ${DEFAULT_APP})`)
    .addHelpText(
      'after',
      '\nNames are plain: letters, digits, ".", "_", "-".\n\nExamples:\n' +
        '  octl scen create demo with web db\n  octl scen create demo',
    )
    .action((scenario: string, words: string[]) => scenCreate(cwd, scenario, words, output()));
}
