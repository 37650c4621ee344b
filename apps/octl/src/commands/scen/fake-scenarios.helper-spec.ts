// The brain's scenario API in memory (blobs, apply and reset runs that go through given snapshots, versions,
// nodeapps), served over real HTTPS so octl goes through the SDK as it does against a brain; plus the harness the
// `scen` and `napp` integration specs share (a PKI, an octl.yaml per brain, octl run in-process).
import { makeTempDir, makeTestPki } from '@octopod/testing';
import { createHash } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { stringify } from 'yaml';
import { runOctl } from '../../cli';
import { listen, send } from '../../https-brain.helper-spec';
import { NOW } from '../node/fake-brain.helper-spec';
import { defaultRun } from './run-fixtures.helper-spec';
import type {
  NodeApp,
  NodeAppVersion,
  Scenario,
  ScenarioApi,
  ScenarioRun,
  ScenarioVersion,
} from './scen-api';

type ApplyRequest = Parameters<ScenarioApi['applyScenario']>[0];
type ResetRequest = Parameters<ScenarioApi['resetScenario']>[1];

/** An answer the brain refuses with: status, code, message, and more fields (e.g. `issues`). */
export interface Refusal {
  status: number;
  code: string;
  message: string;
  extra?: Record<string, unknown>;
}

class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

const notFound = (code: string, message: string): Refused => new Refused({ status: 404, code, message });

export class FakeScenarioBrain {
  readonly blobs = new Map<string, Buffer>();
  readonly applied: ApplyRequest[] = [];
  /** `scen reset` and `napp reset` bodies, with what they reset. */
  readonly resets: { what: string; body: ResetRequest }[] = [];
  /** The snapshots the next run goes through: the start answers the first, each later look the next one. */
  nextRun: ScenarioRun[] = defaultRun();
  /** Refuse the next apply with this. */
  refuseApply?: Refusal;
  scenarios: Scenario[] = [];
  versions = new Map<string, ScenarioVersion[]>();
  nodeApps = new Map<string, NodeApp[]>();
  private readonly runs = new Map<string, { snapshots: ScenarioRun[]; looked: number }>();

  private startRun(scenario: string, target: string): ScenarioRun {
    const id = `run-${this.runs.size + 1}`;
    const snapshots = this.nextRun.map((r) => ({ ...structuredClone(r), id, scenario, target }));
    this.runs.set(id, { snapshots, looked: 0 });
    return snapshots[0];
  }

  storeBlob(bytes: Buffer): { sha256: string; size: number } {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    this.blobs.set(sha256, bytes);
    return { sha256, size: bytes.length };
  }

  apply(body: ApplyRequest): ScenarioRun {
    this.applied.push(structuredClone(body));
    if (this.refuseApply) throw new Refused(this.refuseApply);
    if (body.blob && !this.blobs.has(body.blob)) throw notFound('blob_not_found', `no blob ${body.blob}`);
    return this.startRun('helloWorld', body.target ?? 'default');
  }

  run(id: string): ScenarioRun {
    const run = this.runs.get(id);
    if (!run) throw notFound('run_not_found', `no run ${id}`);
    run.looked = Math.min(run.looked + 1, run.snapshots.length - 1);
    return run.snapshots[run.looked];
  }

  listRuns(): ScenarioRun[] {
    return [...this.runs.values()].map((r) => r.snapshots[r.looked]).reverse();
  }

  scenario(name: string): Scenario {
    const found = this.scenarios.find((s) => s.name === name);
    if (!found) throw notFound('scenario_not_found', `no scenario ${name}`);
    return found;
  }

  reset(what: string, scenario: string, target: string, body: ResetRequest): ScenarioRun {
    this.resets.push({ what, body });
    return this.startRun(scenario, target);
  }

  nodeAppVersions(node: string, ref: string): NodeAppVersion[] {
    const app = (this.nodeApps.get(node) ?? []).find((a) => a.name === ref);
    if (!app) throw notFound('nodeapp_not_found', `no nodeapp ${ref} on ${node}`);
    return app.versions;
  }
}

type Answer = [number, unknown?];

function page<T>(items: readonly T[], url: URL): T[] {
  const offset = Number(url.searchParams.get('offset') ?? 0);
  return items.slice(offset, offset + Number(url.searchParams.get('limit') ?? 5));
}

function route(brain: FakeScenarioBrain, method: string, url: URL, body: Buffer): Answer {
  const path = url.pathname;
  const json = () => JSON.parse(body.toString('utf8'));
  const match = (re: RegExp): string[] | undefined => re.exec(path)?.slice(1).map(decodeURIComponent);
  const at = (verb: string, re: RegExp) => (method === verb ? match(re) : undefined);
  let m: string[] | undefined;
  if ((m = at('PUT', /^\/api\/v2\/files\/blobs$/))) return [201, brain.storeBlob(body)];
  if ((m = at('POST', /^\/api\/v2\/scenarios\/apply$/))) return [202, brain.apply(json())];
  if ((m = at('GET', /^\/api\/v2\/scenarios$/))) return [200, brain.scenarios];
  if ((m = at('GET', /^\/api\/v2\/scenarios\/([^/]+)$/))) return [200, brain.scenario(m[0])];
  if ((m = at('GET', /^\/api\/v2\/scenarios\/([^/]+)\/versions$/)))
    return [200, page(brain.versions.get(brain.scenario(m[0]).name) ?? [], url)];
  if ((m = at('POST', /^\/api\/v2\/scenarios\/([^/]+)\/reset$/)))
    return [202, brain.reset(`scenario ${brain.scenario(m[0]).name}`, m[0], 'reset', json())];
  if ((m = at('GET', /^\/api\/v2\/scenario-runs$/))) return [200, brain.listRuns()];
  if ((m = at('GET', /^\/api\/v2\/scenario-runs\/([^/]+)$/))) return [200, brain.run(m[0])];
  if ((m = at('GET', /^\/api\/v2\/nodes\/([^/]+)\/apps$/))) return [200, brain.nodeApps.get(m[0]) ?? []];
  if ((m = at('GET', /^\/api\/v2\/nodes\/([^/]+)\/apps\/([^/]+)\/versions$/)))
    return [200, page(brain.nodeAppVersions(m[0], m[1]), url)];
  if ((m = at('POST', /^\/api\/v2\/nodes\/([^/]+)\/apps\/([^/]+)\/reset$/))) {
    brain.nodeAppVersions(m[0], m[1]);
    return [202, brain.reset(`nodeapp ${m[1]} on ${m[0]}`, m[1].split('@').pop()!, 'napp-reset', json())];
  }
  throw new Refused({ status: 404, code: 'not_found', message: `no route ${method} ${path}` });
}

export interface ServedScenarioBrain {
  port: number;
  /** `METHOD url` of every request, in arrival order. */
  requests: string[];
}

/** Serves `brain` over HTTPS (client certificates only) until `onClose`'s function is called. */
export async function serveScenarioBrain(
  brain: FakeScenarioBrain,
  options: { tls: { ca: Buffer; cert: Buffer; key: Buffer }; onClose(close: () => Promise<void>): void },
): Promise<ServedScenarioBrain> {
  const requests: string[] = [];
  const server = createServer({ ...options.tls, requestCert: true, rejectUnauthorized: false });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url}`);
      if (!(req.socket as TLSSocket).authorized) {
        return send(res, 401, { statusCode: 401, code: 'unauthorized', message: 'certificate required' });
      }
      try {
        const [status, body] = route(
          brain,
          req.method ?? '',
          new URL(req.url ?? '/', 'https://brain'),
          Buffer.concat(chunks),
        );
        send(res, status, body);
      } catch (error) {
        const r =
          error instanceof Refused
            ? error.refusal
            : { status: 500, code: 'internal', message: String(error) };
        send(res, r.status, { ...r.extra, statusCode: r.status, code: r.code, message: r.message });
      }
    });
  });
  return { port: await listen(server, options.onClose), requests };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Harness {
  brain: FakeScenarioBrain;
  served: ServedScenarioBrain;
  /** Runs octl against this brain (`-c <its octl.yaml>` first), in the test's temporary folder. */
  octl(
    argv: string[],
    options?: { tty?: boolean; signals?: EventEmitter; onStdout?: (all: string) => void },
  ): Promise<Run>;
}

/** A PKI and a temporary folder for a spec file; `start()` serves a fresh fake brain for one test. */
export function scenarioWorld(prefix: string) {
  const tmp = makeTempDir(prefix);
  const pki = makeTestPki(tmp.path);
  const brainCert = pki.server('brain');
  const client = pki.admin('admin', 'octl');
  const tls = {
    ca: readFileSync(pki.caPath),
    cert: readFileSync(brainCert.certPath),
    key: readFileSync(brainCert.keyPath),
  };
  const ssl = { caCert: pki.caPath, clientCert: client.certPath, clientKey: client.keyPath };
  const closers: (() => Promise<void>)[] = [];

  async function start(): Promise<Harness> {
    const brain = new FakeScenarioBrain();
    const served = await serveScenarioBrain(brain, { tls, onClose: (close) => void closers.push(close) });
    const config = join(tmp.path, `octl-${served.port}.yaml`);
    writeFileSync(config, stringify({ brain: { ip: '127.0.0.1', port: served.port }, ssl }));
    const octl: Harness['octl'] = async (argv, options = {}) => {
      let stdout = '';
      let stderr = '';
      const code = await runOctl(['-c', config, ...argv], {
        stdout: {
          write: (t: string) => {
            stdout += t;
            options.onStdout?.(stdout);
          },
          isTTY: options.tty ?? false,
        },
        stderr: { write: (t: string) => (stderr += t) },
        env: {},
        cwd: tmp.path,
        home: join(tmp.path, 'home'),
        now: () => NOW,
        signals: options.signals,
      });
      return { code, stdout, stderr };
    };
    return { brain, served, octl };
  }

  return {
    dir: tmp.path,
    start,
    async stopBrains(): Promise<void> {
      while (closers.length) await closers.pop()!();
    },
    remove: () => tmp.remove(),
  };
}
