import { makeTempDir, makeTestPki, type TestPki } from '@octopod/testing';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runOctl } from './cli';
import { NOW, sampleFleet, type FakeBrain } from './commands/node/fake-brain.helper-spec';
import { API_TOKEN, listen, send, serveBrain as serve, type ServedBrain } from './https-brain.helper-spec';

let tmp: ReturnType<typeof makeTempDir>;
let pki: TestPki;
let brainFiles: { certPath: string; keyPath: string };
let octlFiles: { certPath: string; keyPath: string };
const closers: (() => Promise<void>)[] = [];

beforeAll(() => {
  tmp = makeTempDir('octopod-octl-');
  pki = makeTestPki(tmp.path);
  brainFiles = pki.server('brain');
  octlFiles = pki.admin('admin', 'octl');
});
afterAll(() => tmp.remove());
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function serveBrain(fleet: FakeBrain): Promise<ServedBrain> {
  const tls = {
    ca: readFileSync(pki.caPath),
    cert: readFileSync(brainFiles.certPath),
    key: readFileSync(brainFiles.keyPath),
  };
  return serve(fleet, { tls, onClose: (close) => void closers.push(close) });
}

async function serveNameServer(entries: Record<string, string>): Promise<number> {
  const server = createHttpServer((req, res) => {
    const name = new URL(req.url ?? '/', 'http://ns').searchParams.get('name') ?? '';
    if (entries[name])
      send(res, 200, {
        msg: 'OK',
        entry: { key: name, type: 'addr', value: entries[name], description: '', ttl: 0 },
      });
    else send(res, 400, { msg: 'redis: nil' });
  });
  return listen(server, (close) => void closers.push(close));
}

function writeConfig(name: string, config: object): string {
  const path = join(tmp.path, name);
  writeFileSync(path, stringify(config));
  return path;
}

function directConfig(port: number, extra: object = {}): object {
  return {
    brain: { name: 'brain', ip: '127.0.0.1', port },
    ssl: { caCert: pki.caPath, clientCert: octlFiles.certPath, clientKey: octlFiles.keyPath },
    ...extra,
  };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function octl(
  argv: string[],
  options: { env?: Record<string, string>; tty?: boolean } = {},
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runOctl(argv, {
    stdout: { write: (t: string) => (stdout += t), isTTY: options.tty ?? false },
    stderr: { write: (t: string) => (stderr += t) },
    env: options.env ?? {},
    cwd: tmp.path,
    home: join(tmp.path, 'home'),
    now: () => NOW,
  });
  return { code, stdout, stderr };
}

describe('octl against a fake brain over HTTPS', () => {
  let fleet: FakeBrain;
  let brain: ServedBrain;
  let config: string;

  beforeEach(async () => {
    fleet = sampleFleet();
    brain = await serveBrain(fleet);
    config = writeConfig(`octl-${brain.port}.yaml`, directConfig(brain.port));
  });

  it('finds the brain through the name server and prints NodesInfoText JSON when stdout is not a terminal', async () => {
    const nsPort = await serveNameServer({ 'lab.octlFace.request': `127.0.0.1:${brain.port}` });
    const viaNs = writeConfig(
      'octl-ns.yaml',
      directConfig(1, {
        httpsNameServer: { enable: true, host: '127.0.0.1', port: nsPort - 1 },
        brain: { name: 'lab', ip: '192.0.2.1', port: 1 },
      }),
    );
    const run = await octl(['--config', viaNs, 'node', 'get']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const text = JSON.parse(run.stdout);
    expect(Object.keys(text)).toEqual(['brain', 'nodes', 'total', 'online', 'offline']);
    expect(text.brain.name).toBe('brain');
    expect(text.nodes[0]).toEqual({
      name: 'pi-1',
      version: '0.1.0',
      addr: '10.0.0.4:41000',
      state: 'online',
      delay: '3ms',
      online_time: '2m42.48s',
    });
    expect([text.total, text.online, text.offline]).toEqual([4, 2, 1]);
  });

  it('accepts Octopoda -sf, global flags after the verb, and renders tables and YAML', async () => {
    const table = await octl(['node', 'get', '-sf', 'OFF', '-c', config, '-o', 'table']);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n').slice(0, 2)).toEqual([
      'NAME  STATE    DELAY  VERSION  ADDR            SINCE',
      'pi-4  offline  -      0.1.0    10.0.0.4:41000  1m0s',
    ]);
    expect(table.stdout).toContain('1 nodes: 0 online, 1 offline');
    const yaml = await octl(['-o', 'yaml', '--config', config, 'node', 'get', 'pi-1']);
    expect(yaml.stdout).toMatch(/^brain:\n {2}name: brain\n/);
    expect(yaml.stdout).toContain('nodes:\n  - name: pi-1\n');
    expect((await octl(['-c', config, 'node', 'get'], { tty: true })).stdout).toMatch(/^NAME +STATE/);
  });

  it('shows status of healthy nodes and of the brain itself', async () => {
    const run = await octl(['-c', config, 'node', 'status', 'brain', '@lab']);
    expect(run.code).toBe(0);
    const text = JSON.parse(run.stdout);
    expect(text.nodes.map((n: { name: string }) => n.name)).toEqual(['brain', 'pi-2']);
    expect(text.nodes[1]).toMatchObject({
      cpu_average1: ' 12.3%',
      memory_usage: ' 25.0%: (1.00GB / 4.00GB)',
      local_time: '2024-06-18 20:00:01',
    });
    expect(text.average_cpuload).toBe('  3.0%');
  });

  it('names unknown and unhealthy targets on one stderr line and exits 1', async () => {
    const unknown = await octl(['-c', config, 'node', 'status', 'ghost', '@nope']);
    expect(unknown).toEqual({ code: 1, stdout: '', stderr: 'octl: unknown nodes or groups: ghost, @nope\n' });
    const unhealthy = await octl(['-c', config, 'node', 'status', 'pi-3']);
    expect(unhealthy.code).toBe(1);
    expect(unhealthy.stderr).toMatch(/^octl: not healthy: pi-3 .*\n$/);
  });

  it('prunes offline nodes, reports refusals and exits 1 when any', async () => {
    const run = await octl(['-c', config, 'node', 'prune', 'pi-1', 'pi-4']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      pruned: ['pi-4'],
      refused: [{ name: 'pi-1', reason: 'node is online' }],
      skipped: [],
      unknown: [],
    });
    expect(run.stderr).toBe('octl: not pruned: pi-1 (node is online)\n');
    expect(brain.requests).toContain('DELETE /api/v2/nodes/pi-4');
    expect(fleet.nodes.map((n) => n.name)).toEqual(['pi-2', 'pi-1', 'pi-3']);
    expect((await octl(['-c', config, 'node', 'prune', 'ALL'])).code).toBe(0);
  });

  it('authenticates with the saved API token when there is no client certificate', async () => {
    const withToken = (name: string, token?: string) => {
      const tokenFile = join(tmp.path, `${name}.token.json`);
      if (token) writeFileSync(tokenFile, JSON.stringify({ token, id: 'tok_1' }));
      return writeConfig(`${name}.yaml`, {
        brain: { ip: '127.0.0.1', port: brain.port },
        ssl: { caCert: pki.caPath },
        auth: { tokenFile },
      });
    };
    expect((await octl(['-c', withToken('good', API_TOKEN), 'node', 'get'])).code).toBe(0);
    expect(brain.requests.at(-1)).toBe('GET /api/v2/nodes');
    const wrong = await octl(['-c', withToken('wrong', 'opt_nope'), 'node', 'get']);
    expect(wrong).toEqual({
      code: 1,
      stdout: '',
      stderr: 'octl: client certificate or API token required\n',
    });
    const none = await octl(['-c', withToken('none'), 'node', 'get']);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(
      `octl: no credentials: not logged in (no token in ${join(tmp.path, 'none.token.json')}); run \`octl login\`, or set ssl.clientCert/ssl.clientKey\n`,
    );
  });

  it('treats bad flags and arguments as usage errors (exit 2) without contacting the brain', async () => {
    expect(await octl(['-c', config, '-o', 'xml', 'node', 'get'])).toMatchObject({
      code: 2,
      stderr: 'octl: unknown output format "xml" (use one of: table, json, yaml)\n',
    });
    expect(await octl(['-c', config, 'node', 'prune'])).toMatchObject({
      code: 2,
      stderr: "octl: missing required argument 'targets' (see --help)\n",
    });
    expect((await octl(['node', 'gte'])).stderr).toBe(
      "octl: unknown command 'gte' (Did you mean get?) (see --help)\n",
    );
    expect(brain.requests).toEqual([]);
    expect(await octl(['--version'])).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
    const help = await octl(['node', 'get', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--state-filter <state>');
    expect(help.stdout).toContain('-o, --output <format>');
  });
});

describe('octl errors before and at the connection', () => {
  it('explains a missing or bad config, found through $OCTL_CONFIG', async () => {
    const missing = await octl(['node', 'get'], { env: { OCTL_CONFIG: join(tmp.path, 'absent.yaml') } });
    expect(missing).toEqual({
      code: 1,
      stdout: '',
      stderr: `octl: config file ${join(tmp.path, 'absent.yaml')} (from $OCTL_CONFIG) does not exist\n`,
    });
    const bad = writeConfig('bad.yaml', { brain: { port: 'x' } });
    const invalid = await octl(['node', 'get'], { env: { OCTL_CONFIG: bad } });
    expect(invalid.stderr).toBe(
      `octl: bad config ${bad}: brain.port: expected number, received string; ssl: is required\n`,
    );
  });

  it('names the brain address when nothing listens there', async () => {
    const port = (await serveBrain(sampleFleet())).port;
    await closers.pop()!();
    const config = writeConfig('down.yaml', directConfig(port));
    const run = await octl(['-c', config, 'node', 'get']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(`^octl: cannot reach brain at 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.*\\n$`),
    );
  });

  it('says when the name server has no entry for the brain', async () => {
    const nsPort = await serveNameServer({});
    const config = writeConfig(
      'ns-empty.yaml',
      directConfig(1, { httpsNameServer: { enable: true, host: '127.0.0.1', port: 3455, httpPort: nsPort } }),
    );
    const run = await octl(['-c', config, 'node', 'get']);
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: `octl: name server at 127.0.0.1:${nsPort} has no entry brain.octlFace.request (is brain "brain" running and registered?)\n`,
    });
  });
});
