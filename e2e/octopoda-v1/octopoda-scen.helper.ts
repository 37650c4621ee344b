// `octl scen apply` of Octopoda v1.8.4 (octl/scenario/deployment.go) redone request for request, for contract tests
// of the brain's /api/v1 face: the same routes, form encodings, field order, zips and /taskstate polling.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Readable } from 'node:stream';
import { parse as parseYaml } from 'yaml';
import yazl from 'yazl';
import { goRequest, type GoTls, type OctopodaAuth, type RawResponse } from '../support/go-http';

/** Octopoda's ExecutionResult (protocols/result.go), keys in the order Go marshals them. */
export interface ExecutionResult {
  Name: string;
  Code: 0 | 1 | 2;
  CommunicationErrorMsg: string;
  ProcessErrorMsg: string;
  Result: string;
  ResultCompatible: string;
}
export const EXECUTION_RESULT_KEYS = [
  'Name',
  'Code',
  'CommunicationErrorMsg',
  'ProcessErrorMsg',
  'Result',
  'ResultCompatible',
];

/** An ExecutionResult as Octopoda's brain answers it: Code 0 and empty texts unless told. */
export const entry = (name: string, fields: Partial<ExecutionResult> = {}): ExecutionResult => ({
  Name: name,
  Code: 0,
  CommunicationErrorMsg: '',
  ProcessErrorMsg: '',
  Result: '',
  ResultCompatible: '',
  ...fields,
});
/** Octopoda lists results in completion order: sorted, for comparing. */
export const byName = (list: ExecutionResult[]) => [...list].sort((a, b) => a.Name.localeCompare(b.Name));

/** Octopoda's Result (protocols/result.go); `Rmsg` is "OK" on success. */
export const OK = { Rcode: 0, Rmsg: 'OK', Output: '', Version: '', Modified: false };
export const refused = (rmsg: string) => ({ ...OK, Rmsg: rmsg });
export const PROCESSING = refused('TaskProcessing');

/** Octopoda's version (protocols/san/version.go). */
export interface V1Version {
  Time: string;
  Hash: string;
  Msg: string;
}
export const GO_TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;
const two = (n: number) => String(n).padStart(2, '0');
/** Go's `2006-01-02 15:04:05` in local time: how Octopoda writes a version's Time. */
export function goTime(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`
  );
}

/** octl's pauses between /taskstate polls (octl/task/task.go): 30 ms doubling five times, then 960 ms. */
export const OCTL_POLL_PAUSES_MS = [30, 60, 120, 240, 480, 960];

/** One part of a form as octl writes it: a field (WriteField) or a file (CreateFormFile). */
export type GoPart = [field: string, value: string] | { file: string; filename: string; content: Buffer };

/**
 * A body as Go's mime/multipart Writer makes it: parts in the order written, each header block sorted
 * (Content-Disposition before Content-Type), a random 60-hex-digit boundary, `\r\n--b--\r\n` at the end.
 */
export function goMultipart(parts: GoPart[]): { body: Buffer; contentType: string } {
  const boundary = randomBytes(30).toString('hex');
  const chunks: Buffer[] = [];
  parts.forEach((part, i) => {
    const open = i === 0 ? `--${boundary}\r\n` : `\r\n--${boundary}\r\n`;
    if (Array.isArray(part)) {
      chunks.push(Buffer.from(`${open}Content-Disposition: form-data; name="${part[0]}"\r\n\r\n${part[1]}`));
      return;
    }
    chunks.push(
      Buffer.from(
        `${open}Content-Disposition: form-data; name="${part.file}"; filename="${part.filename}"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n',
      ),
      part.content,
    );
  });
  chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * The zip octl sends with a prepare: `archiver.DefaultZip.Archive(["<sourcepath>/."], …)` of mholt/archiver v3,
 * i.e. a `./` directory entry, then the folder's contents at the top level (no `<n>.wrap/` folder, unlike
 * `file distrib`), walked in Go's lexical order, directories as `name/` entries.
 */
export async function octlSourceZip(sourceDir: string): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addEmptyDirectory('./', { mode: 0o40000 | (statSync(sourceDir).mode & 0o777) });
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const stats = statSync(path);
      const inZip = relative(sourceDir, path).split('\\').join('/');
      if (stats.isDirectory()) {
        zip.addEmptyDirectory(`${inZip}/`, { mode: 0o40000 | (stats.mode & 0o777), mtime: stats.mtime });
        walk(path);
      } else {
        zip.addBuffer(readFileSync(path), inZip, { mode: stats.mode, mtime: stats.mtime });
      }
    }
  };
  walk(sourceDir);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as Readable) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** octl's request name for its pack, `fmt.Sprintf("%d.zip", time.Now().Nanosecond())`. */
const packName = () => `${(process.hrtime.bigint() % 1_000_000_000n).toString()}.zip`;

export interface ScenApp {
  name: string;
  description: string;
  scriptpath: string;
  sourcepath: string;
  /** As deployment.yaml lists them, `@alias` included. */
  nodes: string[];
  script: Array<{ target: string; file: string; order: number }>;
}
export interface ScenConfig {
  name: string;
  description: string;
  applications: ScenApp[];
}

/** deployment.yaml with alias.yaml's `@alias` names expanded (recursively), as octl's checkConfig does. */
export function readScenario(folder: string): ScenConfig {
  const config = parseYaml(readFileSync(join(folder, 'deployment.yaml'), 'utf8')) as ScenConfig;
  const aliases = parseYaml(readFileSync(join(folder, 'alias.yaml'), 'utf8')) as Record<string, string[]>;
  const expand = (names: string[]): string[] =>
    names.flatMap((name) => (name.startsWith('@') ? expand(aliases[name.slice(1)] ?? []) : [name]));
  return {
    ...config,
    applications: config.applications.map((app) => ({
      ...app,
      nodes: expand(app.nodes),
      script: app.script.map((s) => ({ ...s, order: s.order ?? 0 })),
    })),
  };
}

/** A 202 and the task id, every /taskstate answer while octl polled it, and the final results. */
export interface TaskTranscript {
  app: string;
  posted: RawResponse;
  polls: RawResponse[];
  results: ExecutionResult[];
}

/** What octl sent and got back, step by step, for the tests to look at. */
export interface ApplyTranscript {
  create?: RawResponse;
  prepares: TaskTranscript[];
  update?: RawResponse;
  scripts: TaskTranscript[];
  commits: TaskTranscript[];
  delete?: RawResponse;
}

const emptyTranscript = (): ApplyTranscript => ({ prepares: [], scripts: [], commits: [] });

/** Octopoda's octl against one brain: what `scen apply` and `napp` send, nothing more. */
export class OctlV1 {
  constructor(
    private readonly brain: { host: string; port: number; tls: GoTls },
    private readonly auth: OctopodaAuth,
    private readonly taskTimeoutMs = 60_000,
  ) {}

  get(path: string): Promise<RawResponse> {
    return goRequest(this.brain, 'GET', `/api/v1${path}`, { auth: this.auth });
  }

  delete(path: string): Promise<RawResponse> {
    return goRequest(this.brain, 'DELETE', `/api/v1${path}`, { auth: this.auth });
  }

  post(path: string, parts: GoPart[]): Promise<RawResponse> {
    return goRequest(this.brain, 'POST', `/api/v1${path}`, { auth: this.auth, ...goMultipart(parts) });
  }

  /** workgroup.NodesParse: POST /nodes/parse (JSON), refused when a name is invalid or unhealthy. */
  async parseNodes(names: string[]): Promise<string[]> {
    const res = await goRequest(this.brain, 'POST', '/api/v1/nodes/parse', {
      auth: this.auth,
      body: JSON.stringify(names),
      contentType: 'application/json',
    });
    if (res.status !== 200) throw new Error(`nodes/parse: ${res.status} ${res.body}`);
    const parsed = res.json() as {
      OutputNames: string[] | null;
      InvalidNames: string[] | null;
      UnhealthyNodes: string[] | null;
    };
    if (parsed.InvalidNames?.length || parsed.UnhealthyNodes?.length) {
      throw new Error(`nodes/parse refused ${JSON.stringify(names)}: ${res.body}`);
    }
    return parsed.OutputNames ?? [];
  }

  /** checkConfig: paths made absolute, aliases expanded, every app's nodes parsed by the brain. */
  async checkConfig(folder: string): Promise<ScenConfig> {
    const config = readScenario(folder);
    for (const app of config.applications) {
      app.sourcepath = join(folder, app.sourcepath);
      app.scriptpath = join(folder, app.scriptpath);
      app.nodes = await this.parseNodes(app.nodes);
    }
    return config;
  }

  /** task.WaitTask: polls at once, then after octl's pauses, until an answer other than 202. */
  async waitTask(id: string): Promise<{ polls: RawResponse[]; results: ExecutionResult[] }> {
    const polls: RawResponse[] = [];
    const deadline = Date.now() + this.taskTimeoutMs;
    for (let count = 0; ; count++) {
      const res = await this.get(`/taskstate?taskid=${id}`);
      polls.push(res);
      if (res.status === 200) return { polls, results: res.json() as ExecutionResult[] };
      if (res.status !== 202) throw new Error(`wait task error. http statuscode=${res.status}, ${res.body}`);
      if (Date.now() > deadline)
        throw new Error(`task ${id} still processing after ${this.taskTimeoutMs} ms`);
      const pause = OCTL_POLL_PAUSES_MS[Math.min(count, OCTL_POLL_PAUSES_MS.length - 1)];
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  /** `scen apply <dir> [target] [-m msg]` as octl does it; stops where octl would stop (a non-202, a fatal). */
  async apply(folder: string, target: string, message = ''): Promise<ApplyTranscript> {
    const config = await this.checkConfig(folder);
    const transcript = emptyTranscript();
    switch (target) {
      case 'prepare':
      case 'default':
        await this.prepare(config, `(Prepare-Stage1) ${message}`, transcript);
        await this.run(config, 'prepare', transcript);
        if (target === 'default') await this.run(config, 'start', transcript);
        break;
      case 'commit':
        await this.commit(config, message, transcript);
        break;
      case 'purge':
        await this.purge(config, transcript);
        break;
      default:
        await this.run(config, target, transcript);
    }
    return transcript;
  }

  /** ScenarioPrepare: create the scenario (must be new), each app's sources in file order, then update. */
  private async prepare(config: ScenConfig, message: string, transcript: ApplyTranscript): Promise<void> {
    transcript.create = await this.post('/scenario/info', [
      ['name', config.name],
      ['description', config.description],
    ]);
    if (transcript.create.status !== 200) {
      throw new Error(`scenario ${config.name} already exists, status=${transcript.create.status}.`);
    }
    for (const app of config.applications) {
      const zip = await octlSourceZip(app.sourcepath);
      const parts: GoPart[] = [
        { file: 'files', filename: packName(), content: zip },
        ['appName', app.name],
        ['scenario', config.name],
        ['description', app.description],
        ['message', message],
        ['targetNodes', JSON.stringify(app.nodes)],
      ];
      transcript.prepares.push(await this.task(app.name, '/scenario/app/prepare', parts));
    }
    transcript.update = await this.update(config.name, message);
  }

  /** ScenarioRun: each app's script for `target`, by ascending order, one app at a time. */
  private async run(config: ScenConfig, target: string, transcript: ApplyTranscript): Promise<void> {
    for (const { app, script } of this.ordered(config, target)) {
      const parts: GoPart[] = [
        { file: 'script', filename: script.file, content: readFileSync(join(app.scriptpath, script.file)) },
        ['appName', app.name],
        ['scenario', config.name],
        ['description', app.description],
        ['targetNodes', JSON.stringify(app.nodes)],
      ];
      transcript.scripts.push(await this.task(app.name, '/scenario/app/deployment', parts));
    }
  }

  /** ScenarioCommit: every app in file order, then an update with the same message. */
  private async commit(config: ScenConfig, message: string, transcript: ApplyTranscript): Promise<void> {
    for (const app of config.applications) {
      const parts: GoPart[] = [
        ['appName', app.name],
        ['scenario', config.name],
        ['description', app.description],
        ['message', message],
        ['targetNodes', JSON.stringify(app.nodes)],
      ];
      transcript.commits.push(await this.task(app.name, '/scenario/app/commit', parts));
    }
    transcript.update = await this.update(config.name, message);
  }

  /** ScenarioPurge: the purge scripts (description and message "PURGED"), then DELETE /scenario/info. */
  private async purge(config: ScenConfig, transcript: ApplyTranscript): Promise<void> {
    for (const { app, script } of this.ordered(config, 'purge')) {
      const parts: GoPart[] = [
        { file: 'script', filename: script.file, content: readFileSync(join(app.scriptpath, script.file)) },
        ['appName', app.name],
        ['scenario', config.name],
        ['targetNodes', JSON.stringify(app.nodes)],
        ['description', 'PURGED'],
        ['message', 'PURGED'],
      ];
      transcript.scripts.push(await this.task(app.name, '/scenario/app/deployment', parts));
    }
    transcript.delete = await this.delete(`/scenario/info?name=${config.name}`);
  }

  private update(name: string, message: string): Promise<RawResponse> {
    return this.post('/scenario/update', [
      ['name', name],
      ['message', message],
    ]);
  }

  /** The apps having `target`, by ascending order (helloWorld has no ties; octl broke them by the minute). */
  private ordered(config: ScenConfig, target: string) {
    return config.applications
      .flatMap((app) => {
        const script = app.script.find((s) => s.target === target);
        return script ? [{ app, script }] : [];
      })
      .sort((a, b) => a.script.order - b.script.order);
  }

  private async task(app: string, path: string, parts: GoPart[]): Promise<TaskTranscript> {
    const posted = await this.post(path, parts);
    if (posted.status !== 202) {
      throw new Error(`${path} for ${app}: http request error status=${posted.status}. ${posted.body}`);
    }
    return { app, posted, ...(await this.waitTask(posted.body)) };
  }
}
