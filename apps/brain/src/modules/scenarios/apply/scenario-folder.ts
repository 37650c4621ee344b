import { extractTar, packTar } from '@octopod/files';
import { loadScenario, ScenarioError, type NodeCheck, type ScenarioSpec } from '@octopod/scenario';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ApiError } from '../../../core/http/api-error';
import type { BlobService } from '../../files/blob.service';

/** A scenario folder unpacked on the brain for the time of one request; `dispose` deletes it. */
export interface UnpackedFolder {
  dir: string;
  dispose(): Promise<void>;
}

/** The folder's `deployment.yaml` is at the top of the archive, or in its single top-level directory. */
async function scenarioRoot(dir: string): Promise<string> {
  if (await exists(join(dir, 'deployment.yaml'))) return dir;
  const entries = (await readdir(dir)).filter((name) => !name.startsWith('.'));
  if (entries.length === 1 && (await exists(join(dir, entries[0], 'deployment.yaml')))) {
    return join(dir, entries[0]);
  }
  throw new ApiError(
    422,
    'invalid_scenario',
    'the archive holds no deployment.yaml (at its top or in one folder)',
  );
}

async function removeGitFolders(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.name === '.git') await rm(path, { recursive: true, force: true });
    else if (entry.isDirectory()) await removeGitFolders(path);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function tempDir(): Promise<{ dir: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'octopod-scenario-'));
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** Unpacks a tar blob of a scenario folder (its `.git`, if any, left out). Archives that leave the folder are refused. */
export async function unpackFolder(blobs: BlobService, blob: string): Promise<UnpackedFolder> {
  await blobs.require(blob);
  const temp = await tempDir();
  try {
    await extractTar(blobs.store.open(blob), temp.dir);
    const dir = await scenarioRoot(temp.dir);
    // A folder cloned with `scen repo clone`, or an app's sources checked out from git, brings `.git` folders:
    // shipped into a nodeapp they would replace its own repository (its history, and config git would obey).
    await removeGitFolders(dir);
    return { dir, dispose: temp.dispose };
  } catch (error) {
    await temp.dispose();
    if (error instanceof ApiError) throw error;
    throw new ApiError(
      422,
      'invalid_scenario',
      `the scenario archive cannot be unpacked: ${(error as Error).message}`,
    );
  }
}

/** Reads and checks the folder (nodes through `checkNodes`); every problem comes back with file, line and field. */
export async function readScenario(
  dir: string,
  checkNodes: (nodes: string[]) => Promise<NodeCheck>,
): Promise<ScenarioSpec> {
  try {
    return await loadScenario(dir, { checkNodes });
  } catch (error) {
    if (error instanceof ScenarioError) {
      throw new ApiError(422, 'invalid_scenario', error.message, { issues: error.issues });
    }
    throw error;
  }
}

/** Packs the contents of `dir` as a tar blob. */
export async function packBlob(blobs: BlobService, dir: string): Promise<{ blob: string; size: number }> {
  const pipe = new PassThrough();
  const [, stored] = await Promise.all([packTar(dir, pipe, { contentsOnly: true }), blobs.upload(pipe)]);
  return { blob: stored.sha256, size: stored.size };
}

/** Every script the scenario names, read as base64. */
export async function readScripts(scenario: ScenarioSpec): Promise<Map<string, string>> {
  const files = new Set(scenario.applications.flatMap((app) => app.scripts.map((s) => s.file)));
  const scripts = new Map<string, string>();
  for (const file of files) scripts.set(file, (await readFile(join(scenario.dir, file))).toString('base64'));
  return scripts;
}

/** Hides the password of a URL, wherever in `text` the URL appears. */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)([^@/\s]*)@/gi, (_, scheme: string, auth: string) =>
    auth.includes(':') ? `${scheme}${auth.split(':')[0]}:***@` : `${scheme}${auth}@`,
  );
}

/**
 * The URL without its credentials, and git configuration that sends them as a basic header instead (never on a
 * command line). Only http(s): the brain must not read its own disk (`file://`, paths) or use its own ssh keys on
 * a caller's behalf.
 */
function gitSource(url: string): { url: string; env: Record<string, string>; secrets: string[] } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ApiError(400, 'bad_request', 'git.url must be an http(s) URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ApiError(400, 'bad_request', `git.url must be an http(s) URL, not ${parsed.protocol}`);
  }
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  const env: Record<string, string> = {};
  const secrets: string[] = [];
  if (user || password) {
    const basic = Buffer.from(`${user}:${password}`).toString('base64');
    Object.assign(env, {
      GIT_CONFIG_COUNT: '1',
      // Scoped to the repository's URL: a redirect elsewhere does not get the credentials.
      GIT_CONFIG_KEY_0: `http.${parsed.toString()}.extraHeader`,
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
    });
    secrets.push(basic, ...(password ? [password, encodeURIComponent(password)] : []));
  }
  return { url: parsed.toString(), env, secrets };
}

/** Fetches `ref` (branch, tag or commit) of an http(s) git repository and packs its tree as a tar blob. */
export async function fetchGitFolder(
  blobs: BlobService,
  url: string,
  ref: string,
): Promise<{ blob: string; commit: string }> {
  const source = gitSource(url);
  if (!/^[A-Za-z0-9._/-]+$/.test(ref) || ref.startsWith('-')) {
    throw new ApiError(400, 'bad_request', 'git.ref is not a valid ref');
  }
  const temp = await tempDir();
  try {
    const run = (args: string[]) => gitIn(temp.dir, args, source.env);
    await run(['init', '-q']);
    await run(['fetch', '-q', '--depth', '1', '--', source.url, ref]);
    await run(['-c', 'advice.detachedHead=false', 'checkout', '-q', 'FETCH_HEAD']);
    const commit = (await run(['rev-parse', 'HEAD'])).trim();
    await rm(join(temp.dir, '.git'), { recursive: true, force: true });
    const { blob } = await packBlob(blobs, temp.dir);
    return { blob, commit };
  } catch (error) {
    if (error instanceof ApiError) throw error;
    let reason = redactUrl((error as Error).message);
    for (const secret of source.secrets) reason = reason.split(secret).join('***');
    throw new ApiError(422, 'git_fetch_failed', `cannot fetch ${ref} from ${source.url}: ${reason}`);
  } finally {
    await temp.dispose();
  }
}

function gitIn(dir: string, args: string[], extraEnv: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [
        '-c',
        'protocol.allow=never',
        '-c',
        'protocol.http.allow=always',
        '-c',
        'protocol.https.allow=always',
        ...args,
      ],
      {
        cwd: dir,
        timeout: 120_000,
        maxBuffer: 4 * 1024 * 1024,
        env: {
          ...process.env,
          GIT_TERMINAL_PROMPT: '0',
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_CONFIG_GLOBAL: '/dev/null',
          GIT_SSH_COMMAND: 'false',
          ...extraEnv,
        },
      },
      (error, stdout, stderr) => {
        if (error) reject(new Error(stderr.trim().split('\n').at(-1) || error.message));
        else resolve(stdout);
      },
    );
  });
}
