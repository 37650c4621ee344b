import { join } from 'node:path';
import { expandNodes, type Aliases } from './aliases';
import type { ScenarioIssue } from './issues';
import { REQUIRED_TARGETS, type AppSpec, type ScriptEntry } from './model';
import { insideFolder, kindOf } from './paths';
import type { FieldPath, YamlFile } from './yaml-file';
import { nameProblem } from './names';

type Raw = Record<string, unknown>;

const isObject = (value: unknown): value is Raw =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks one `applications[i]` block against the folder; answers the app (with what could be read) and issues. */
export async function readApplication(
  raw: unknown,
  index: number,
  ctx: { dir: string; file: YamlFile; aliases: Aliases; issues: ScenarioIssue[] },
): Promise<AppSpec | undefined> {
  const at = (...rest: FieldPath): FieldPath => ['applications', index, ...rest];
  const problem = (path: FieldPath, message: string) => ctx.issues.push(ctx.file.issue(path, message));
  if (!isObject(raw)) {
    problem(at(), 'must be a mapping with name, description, scriptpath, sourcepath, nodes and script');
    return undefined;
  }
  const text = (field: string, required: boolean): string => {
    const value = raw[field];
    if (value === undefined || value === null) {
      if (required) problem(at(field), 'is required');
      return '';
    }
    if (typeof value !== 'string') {
      problem(at(field), 'must be a string');
      return '';
    }
    if (required && value.trim() === '') problem(at(field), 'must not be empty');
    return value;
  };
  const name = text('name', true);
  const badName = name ? nameProblem(name) : undefined;
  if (badName) problem(at('name'), badName);
  const description = text('description', true);
  const scriptpath = await folder(raw, 'scriptpath', true, at, ctx, problem);
  const sourcepath = await folder(raw, 'sourcepath', false, at, ctx, problem);
  const nodeEntries = readNodes(raw.nodes, at, problem);
  const expanded = expandNodes(nodeEntries, ctx.aliases);
  for (const error of expanded.errors) problem(at('nodes'), error);
  const scripts = await readScripts(raw.script, scriptpath, at, ctx, problem);
  return {
    name,
    description,
    scriptpath: scriptpath ?? '',
    sourcepath: sourcepath ?? '',
    nodeEntries,
    nodes: expanded.nodes,
    scripts,
    dependsOn: readNames(raw.depends_on, at('depends_on'), problem),
    env: readEnv(raw.env, at('env'), problem),
  };
}

/** A folder field: relative, inside the scenario folder, an existing directory. */
async function folder(
  raw: Raw,
  field: 'scriptpath' | 'sourcepath',
  required: boolean,
  at: (...rest: FieldPath) => FieldPath,
  ctx: { dir: string },
  problem: (path: FieldPath, message: string) => void,
): Promise<string | undefined> {
  const value = raw[field] ?? (required ? undefined : '');
  if (typeof value !== 'string') {
    problem(at(field), value === undefined ? 'is required' : 'must be a string');
    return undefined;
  }
  const inside = insideFolder(ctx.dir, value);
  if ('error' in inside) {
    problem(at(field), inside.error);
    return undefined;
  }
  const kind = await kindOf(join(ctx.dir, inside.path));
  if (kind !== 'dir') {
    problem(
      at(field),
      kind === 'missing' ? `folder "${value}" does not exist` : `"${value}" is not a folder`,
    );
    return undefined;
  }
  return inside.path;
}

function readNodes(
  value: unknown,
  at: (...rest: FieldPath) => FieldPath,
  problem: (p: FieldPath, m: string) => void,
) {
  if (!Array.isArray(value) || value.length === 0) {
    problem(at('nodes'), 'must list at least one node or @alias');
    return [];
  }
  const nodes: string[] = [];
  value.forEach((node, i) => {
    if (typeof node === 'string' && node.trim() !== '') nodes.push(node.trim());
    else problem(at('nodes', i), 'must be a node name or @alias');
  });
  return nodes;
}

async function readScripts(
  value: unknown,
  scriptpath: string | undefined,
  at: (...rest: FieldPath) => FieldPath,
  ctx: { dir: string },
  problem: (path: FieldPath, message: string) => void,
): Promise<ScriptEntry[]> {
  if (!Array.isArray(value)) {
    problem(at('script'), `must list the targets (${REQUIRED_TARGETS.join(', ')} at least)`);
    return [];
  }
  const scripts: ScriptEntry[] = [];
  const seen = new Set<string>();
  for (const [i, entry] of value.entries()) {
    if (!isObject(entry) || typeof entry.target !== 'string' || entry.target.trim() === '') {
      problem(at('script', i), 'needs a target and a file');
      continue;
    }
    const target = entry.target.trim();
    if (seen.has(target)) problem(at('script', i, 'target'), `duplicate target "${target}"`);
    seen.add(target);
    const order = entry.order ?? 0;
    if (typeof order !== 'number' || !Number.isInteger(order))
      problem(at('script', i, 'order'), 'must be an integer');
    if (typeof entry.file !== 'string' || entry.file.trim() === '') {
      problem(at('script', i, 'file'), 'is required');
      continue;
    }
    if (scriptpath === undefined) continue; // the folder is already reported
    const inside = insideFolder(ctx.dir, join(scriptpath, entry.file));
    if ('error' in inside || !inside.path.startsWith(scriptpath)) {
      problem(at('script', i, 'file'), `"${entry.file}" leaves the script folder`);
      continue;
    }
    const kind = await kindOf(join(ctx.dir, inside.path));
    if (kind !== 'file')
      problem(
        at('script', i, 'file'),
        `script "${inside.path}" ${kind === 'missing' ? 'does not exist' : 'is not a file'}`,
      );
    scripts.push({ target, file: inside.path, order: typeof order === 'number' ? order : 0 });
  }
  const missing = REQUIRED_TARGETS.filter((target) => !seen.has(target));
  if (missing.length) problem(at('script'), `missing the required targets: ${missing.join(', ')}`);
  return scripts;
}

function readNames(value: unknown, path: FieldPath, problem: (p: FieldPath, m: string) => void): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '')) {
    problem(path, 'must be a list of application names');
    return [];
  }
  return value as string[];
}

function readEnv(
  value: unknown,
  path: FieldPath,
  problem: (p: FieldPath, m: string) => void,
): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) {
    problem(path, 'must map variable names to values');
    return {};
  }
  const env: Record<string, string> = {};
  for (const [key, raw] of Object.entries(value)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) problem([...path, key], 'is not a valid variable name');
    else if (['string', 'number', 'boolean'].includes(typeof raw)) env[key] = String(raw);
    else problem([...path, key], 'must be a string, number or boolean');
  }
  return env;
}
