import { packZip } from '@octopod/files';
import { makeTempDir, waitFor, type FakeTentacle } from '@octopod/testing';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_PASSWORD, startTestBrain, type TestBrain } from '../../../test/brain-harness';
import { ScenariosRepository } from '../scenarios/scenarios.repository';
import { goDateTime } from './go-time';

const BOUNDARY = 'octopod-scenario-boundary';
const OUT_OF_SCOPE = 'ERROR: some nodes are invalid or out of scope.';
const HASH = /^[0-9a-f]{40}$/;
const ok = { Rcode: 0, Rmsg: 'OK', Output: '', Version: '', Modified: false };
const refused = (rmsg: string) => ({ ...ok, Rmsg: rmsg });

interface Entry {
  Name: string;
  Code: number;
  CommunicationErrorMsg: string;
  ProcessErrorMsg: string;
  Result: string;
  ResultCompatible: string;
}
interface Version {
  Time: string;
  Hash: string;
  Msg: string;
}
type Fields = Record<string, string>;
type Upload = { field: string; name: string; content: Buffer | string };

/** A multipart body as Go's mime/multipart writes octl's forms (the file part first, as octl adds it first). */
function multipart(fields: Fields, file?: Upload): Buffer {
  const parts: Buffer[] = [];
  if (file) {
    parts.push(
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n',
      ),
      Buffer.from(file.content),
      Buffer.from('\r\n'),
    );
  }
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  parts.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(parts);
}

/** A zip of a folder holding these files, as octl packs an app's sourcepath. */
async function zipOf(files: Fields): Promise<Buffer> {
  const dir = makeTempDir('octopod-v1-scen-');
  try {
    const src = join(dir.path, 'src');
    mkdirSync(src);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(src, name), text);
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    await packZip(src, out);
    return Buffer.concat(chunks);
  } finally {
    dir.remove();
  }
}

/** An ExecutionResult as Octopoda's brain answers it (Code 0 unless told). */
const entry = (name: string, fields: Partial<Entry> = {}): Entry => ({
  Name: name,
  Code: 0,
  CommunicationErrorMsg: '',
  ProcessErrorMsg: '',
  Result: '',
  ResultCompatible: '',
  ...fields,
});
const NODEAPPS = ['s1:greeter@demo', 's2:greeter@demo', 's2:printer@demo'];

const byName = (entries: Entry[]) => [...entries].sort((a, b) => a.Name.localeCompare(b.Name));

describe('Octopoda scenario and nodeapp routes (real HTTPS, Postgres, BullMQ, fake tentacles)', () => {
  let t: TestBrain;
  const node: Record<string, FakeTentacle> = {};
  const headers = { rootpath: '', currentpath: '', password: ROOT_PASSWORD };
  const v1 = (path: string, method = 'GET') => t.api(`/api/v1${path}`, { method, headers });
  const post = (path: string, fields: Fields, file?: Upload) =>
    t.api(`/api/v1${path}`, {
      method: 'POST',
      rawBody: multipart(fields, file),
      headers: { ...headers, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    });
  /** octl's polling of /taskstate until the results come. */
  const results = async (taskId: string): Promise<Entry[]> => {
    const done = await waitFor(
      async () => {
        const res = await v1(`/taskstate?taskid=${taskId}`);
        return res.status === 200 ? res : undefined;
      },
      { what: `taskstate ${taskId}` },
    );
    return byName(done.json() as Entry[]);
  };
  /** A 202 and its task id, then the task's results. */
  const started = async (path: string, fields: Fields, file?: Upload): Promise<Entry[]> => {
    const res = await post(path, fields, file);
    expect([res.status, res.headers['content-type']], res.text).toEqual([202, 'text/plain; charset=utf-8']);
    expect(res.text).toMatch(/^[0-9a-f-]{36}$/);
    return results(res.text);
  };
  const versions = async (name: string, query = '') =>
    (await v1(`/scenario/version?name=${name}${query}`)).json() as Version[] | null;
  const heads = (name: string, key: string) => node[name].nodeapps.get(key) ?? [];

  /** The apps of scenario `demo`: greeter on s1 and s2, printer on s2 (an app per request, as octl sends them). */
  const APPS = [
    { appName: 'greeter', description: 'greets', targetNodes: '["s1","s2"]' },
    { appName: 'printer', description: 'prints', targetNodes: '["s2"]' },
  ];
  const script = (target: string): Upload => ({
    field: 'script',
    name: `${target}.sh`,
    content: `echo ${target} >> $OCTOPODA_OUTPUT\n`,
  });
  const deploy = (scenario: string, target: string, description?: string) =>
    Promise.all(
      APPS.map((app) =>
        started(
          '/scenario/app/deployment',
          { ...app, scenario, description: description ?? app.description },
          script(target),
        ),
      ),
    );

  beforeAll(async () => {
    t = await startTestBrain();
    for (const name of ['s1', 's2', 's3']) {
      t.pki.client(name);
      // A script's $OCTOPODA_OUTPUT: its target's word.
      node[name] = t.tentacle(name, {
        execute: (assign) => (assign.script ? { output: `${assign.command.replace(/\.sh$/, '')}\n` } : {}),
      });
      await node[name].join();
    }
  });
  afterAll(() => t.stop());

  it('POST /scenario/info creates a scenario once; GET /scenarios/info and /scenario/info show it', async () => {
    expect((await post('/scenario/info', { name: 'empty', description: 'nothing yet' })).json()).toEqual(ok);
    const again = await post('/scenario/info', { name: 'empty', description: 'again' });
    expect([again.status, again.json()]).toEqual([404, refused('ERROR: Scenario Exists')]);
    const noDescription = await post('/scenario/info', { name: 'other' });
    expect([noDescription.status, noDescription.json()]).toEqual([400, refused('ERROR: Wrong Args')]);

    const digest = {
      Name: 'empty',
      Description: 'nothing yet',
      Version: '',
      Timestamp: goDateTime(0),
      Message: '',
    };
    expect((await v1('/scenarios/info')).json()).toContainEqual(digest);
    const info = await v1('/scenario/info?name=empty');
    expect(info.text).toBe(JSON.stringify({ ...digest, Apps: null }));
    const lacking = await v1('/scenario/info');
    expect([lacking.status, lacking.json()]).toEqual([404, refused('Lack scenario name')]);
    const ghost = await v1('/scenario/info?name=ghost');
    expect([ghost.status, ghost.json()]).toEqual([404, refused('Error: GetScenarioInfoByName')]);
  });

  it("runs octl's `scen apply <dir> prepare`: create, prepare each app, update, prepare scripts", async () => {
    const message = '(Prepare-Stage1) first';
    expect((await post('/scenario/info', { name: 'demo', description: 'a demo' })).status).toBe(200);
    for (const app of APPS) {
      const zip = { field: 'files', name: '123.zip', content: await zipOf({ README: `${app.appName}\n` }) };
      const prepared = await started('/scenario/app/prepare', { ...app, scenario: 'demo', message }, zip);
      const nodes = JSON.parse(app.targetNodes) as string[];
      expect(prepared).toEqual(nodes.map((name) => entry(name)));
    }
    const update = await post('/scenario/update', { name: 'demo', message });
    expect([update.status, update.json()]).toEqual([200, { ...ok, Modified: true }]);
    const scripts = await deploy('demo', 'prepare');
    expect(scripts.flat().map((r) => [r.Name, r.Code, r.Result])).toEqual([
      ['s1', 0, 'prepare\n'],
      ['s2', 0, 'prepare\n'],
      ['s2', 0, 'prepare\n'],
    ]);

    // Every node holds the nodeapps, committed with the message; the scripts ran in them.
    expect(heads('s1', 'greeter@demo').map((v) => v.message)).toEqual([message]);
    expect(node.s2.nodeapps.keys()).toEqual(['greeter@demo', 'printer@demo']);
    expect(node.s1.nodeapps.state('greeter@demo')?.runs[0].env).toMatchObject({ OCTOPODA_APP: 'greeter' });
    const [version] = (await versions('demo')) ?? [];
    expect(version).toMatchObject({ Hash: expect.stringMatching(HASH), Msg: message });
    expect(version.Time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect((await v1('/scenario/info?name=demo')).json()).toEqual({
      Name: 'demo',
      Description: 'a demo',
      Version: version.Hash,
      Timestamp: version.Time,
      Message: message,
      Apps: [
        {
          Name: 'greeter',
          Description: 'greets',
          NodeApps: ['s1', 's2'].map((n) => `(${n} - ${heads(n, 'greeter@demo')[0].hash})`),
        },
        {
          Name: 'printer',
          Description: 'prints',
          NodeApps: [`(s2 - ${heads('s2', 'printer@demo')[0].hash})`],
        },
      ],
    });
  });

  it('answers a prepare that changes nothing "OK: No Change" as a process error; the update makes no version', async () => {
    const zip = { field: 'files', name: '1.zip', content: await zipOf({ README: 'same\n' }) };
    const fields = { ...APPS[1], scenario: 'demo', message: 'again' };
    expect((await started('/scenario/app/prepare', fields, zip))[0]).toMatchObject({ Code: 0 });
    await post('/scenario/update', { name: 'demo', message: 'again' });
    const before = (await versions('demo', '&limit=100'))?.length;
    const unchanged = await started('/scenario/app/prepare', fields, zip);
    expect(unchanged).toEqual([entry('s2', { Code: 2, ProcessErrorMsg: 'OK: No Change' })]);
    expect((await post('/scenario/update', { name: 'demo', message: 'again' })).json()).toEqual(ok);
    expect((await versions('demo', '&limit=100'))?.length).toBe(before);
  });

  it("runs octl's `scen apply <dir> commit`: a commit per app and an update make a version every time", async () => {
    for (const round of ['c1', 'c2']) {
      for (const app of APPS) {
        const fields = {
          appName: app.appName,
          scenario: 'demo',
          message: round,
          targetNodes: app.targetNodes,
        };
        const committed = await started('/scenario/app/commit', fields);
        expect(committed.map((r) => [r.Code, r.Result])).toEqual(committed.map(() => [0, '']));
      }
      expect((await post('/scenario/update', { name: 'demo', message: round })).json()).toEqual({
        ...ok,
        Modified: true,
      });
    }
    expect(((await versions('demo')) ?? []).slice(0, 2).map((v) => v.Msg)).toEqual(['c2', 'c1']);
    expect(heads('s2', 'printer@demo')[0].message).toBe('c2');
  });

  it('lists versions newest first with offset and limit; null past the end; bad numbers refused', async () => {
    const all = (await versions('demo', '&limit=100')) ?? [];
    expect(all.map((v) => v.Msg).slice(0, 3)).toEqual(['c2', 'c1', 'again']);
    expect(await versions('demo', '&offset=1&limit=2')).toEqual(all.slice(1, 3));
    expect((await versions('demo')) ?? []).toHaveLength(Math.min(5, all.length));
    expect((await v1(`/scenario/version?name=demo&offset=${all.length}`)).text).toBe('null');
    expect((await v1('/scenario/version?name=ghost')).text).toBe('null');
    const bad = await v1('/scenario/version?name=demo&offset=x');
    expect([bad.status, bad.json()]).toEqual([400, refused('ERROR: Wrong Args: offset=x')]);
    const lacking = await v1('/scenario/version');
    expect([lacking.status, lacking.json()]).toEqual([404, refused('Lack Name')]);
  });

  it('POST /scenario/version resets every nodeapp to a version and records that version again', async () => {
    const all = (await versions('demo', '&limit=100')) ?? [];
    const first = all[all.length - 1];
    const greeterBefore = heads('s1', 'greeter@demo').length;
    const res = await post('/scenario/version', {
      name: 'demo',
      version: first.Hash.slice(0, 8),
      message: 'back',
    });
    expect(res.status, res.text).toBe(200);
    expect(byName(res.json() as Entry[])).toEqual(NODEAPPS.map((name) => entry(name, { Result: 'OK' })));
    expect(heads('s1', 'greeter@demo')).toHaveLength(greeterBefore + 1);
    // A new version on top (Octopod's versions are commits of the brain's git: a fresh hash, not the target's).
    const [latest] = (await versions('demo')) ?? [];
    expect(latest).toMatchObject({ Hash: expect.stringMatching(HASH), Msg: 'back' });
    expect(all.map((v) => v.Hash)).not.toContain(latest.Hash);

    const wrong = 'ERROR: Wrong Args. (should specific name and prefix. prefix length should be in [2, 40])';
    for (const version of ['a', 'a'.repeat(41)]) {
      const short = await post('/scenario/version', { name: 'demo', version, message: 'm' });
      expect([short.status, short.json()]).toEqual([400, refused(wrong)]);
    }
    const unused = [...Array(256).keys()]
      .map((n) => n.toString(16).padStart(2, '0'))
      .find((prefix) => !all.some((v) => v.Hash.startsWith(prefix)));
    for (const version of [unused ?? 'zz', 'zz']) {
      const none = await post('/scenario/version', { name: 'demo', version, message: 'm' });
      expect([none.status, none.json()]).toEqual([404, refused('ERROR: Version Not Exists')]);
    }
    const ghost = await post('/scenario/version', { name: 'ghost', version: 'abcd', message: 'm' });
    expect([ghost.status, ghost.json()]).toEqual([404, refused('ERROR: Scenario Not Exists')]);
  });

  it('refuses a version prefix that names two versions as ambiguous', async () => {
    expect((await post('/scenario/info', { name: 'twins', description: 'two alike' })).status).toBe(200);
    const repo = t.brain.app.get(ScenariosRepository);
    for (const hash of ['abc1'.padEnd(40, '0'), 'abc2'.padEnd(40, '0')]) {
      await repo.addVersion({ scenario: 'twins', hash, message: hash, snapshot: [], stepKey: null });
    }
    const res = await post('/scenario/version', { name: 'twins', version: 'abc', message: 'm' });
    expect([res.status, res.json()]).toEqual([404, refused('ERROR: Version Ambiguity')]);
  });

  it("GET /node/apps, /node/app/info and /node/app/version answer from the node's own nodeapps", async () => {
    const printer = heads('s2', 'printer@demo');
    const apps = await v1('/node/apps?name=s2');
    expect(apps.json()).toEqual([
      {
        Name: 'greeter@demo',
        Discription: 'greets',
        CurVersion: {
          Time: goDateTime(heads('s2', 'greeter@demo')[0].time),
          Hash: heads('s2', 'greeter@demo')[0].hash,
          Msg: heads('s2', 'greeter@demo')[0].message,
        },
      },
      {
        Name: 'printer@demo',
        Discription: 'prints',
        CurVersion: { Time: goDateTime(printer[0].time), Hash: printer[0].hash, Msg: printer[0].message },
      },
    ]);
    expect((await v1('/node/apps?name=s3')).text).toBe('null');
    const ghost = await v1('/node/apps?name=ghost');
    expect([ghost.status, ghost.json()]).toEqual([400, refused(OUT_OF_SCOPE)]);
    const lacking = await v1('/node/apps');
    expect([lacking.status, lacking.json()]).toEqual([404, refused('Lack node name')]);
    t.pki.client('s4');
    const gone = t.tentacle('s4');
    await gone.join();
    await gone.close();
    const disconnected = await waitFor(async () => {
      const r = await v1('/node/apps?name=s4');
      return r.status === 404 ? r : undefined;
    });
    expect(disconnected.json()).toEqual(refused('NodeAppsInfo'));

    const asV1 = (v: { time: number; hash: string; message: string }) => ({
      Time: goDateTime(v.time),
      Hash: v.hash,
      Msg: v.message,
    });
    const info = await v1('/node/app/info?name=s2&app=printer&scenario=demo');
    expect(info.json()).toEqual({
      Name: 'printer@demo',
      Discription: 'prints',
      Versions: printer.slice(0, 3).map(asV1),
    });
    expect((await v1('/node/app/info?name=s2&app=nothing&scenario=demo')).text).toBe('{}');
    const noApp = await v1('/node/app/info?name=s2&scenario=demo');
    expect([noApp.status, noApp.json()]).toEqual([400, refused('ERROR: Wrong Args')]);
    const offline = await v1('/node/app/info?name=ghost&app=printer&scenario=demo');
    expect([offline.status, offline.json()]).toEqual([404, refused('NodeAppInfo')]);

    const page = await v1('/node/app/version?name=s2&app=printer&scenario=demo&offset=1&limit=2');
    expect(page.json()).toEqual(printer.slice(1, 3).map(asV1));
    expect((await v1('/node/app/version?name=s2&app=nothing&scenario=demo')).text).toBe('[]');
    const badLimit = await v1('/node/app/version?name=s2&app=printer&scenario=demo&limit=many');
    expect([badLimit.status, badLimit.json()]).toEqual([400, refused('ERROR: Wrong Args: limit=many')]);
  });

  it('POST /node/app/version resets one nodeapp and records a new scenario version', async () => {
    const oldest = heads('s2', 'printer@demo').at(-1);
    const before = ((await versions('demo')) ?? [])[0];
    const fields = { name: 's2', app: 'printer', scenario: 'demo', message: 'napp back' };
    const res = await post('/node/app/version', { ...fields, version: oldest?.hash.slice(0, 7) ?? '' });
    const head = heads('s2', 'printer@demo')[0];
    expect([res.status, res.json()]).toEqual([200, { ...ok, Version: head.hash, Modified: true }]);
    expect(head.message).toBe('napp back');
    const [latest] = (await versions('demo')) ?? [];
    expect(latest).toMatchObject({ Msg: 'napp back' });
    expect(latest.Hash).not.toBe(before.Hash);

    const noVersion = await post('/node/app/version', { ...fields, version: 'zz' });
    expect([noVersion.status, noVersion.json()]).toEqual([404, refused('No app or version')]);
    const noApp = await post('/node/app/version', { ...fields, app: 'nothing', version: 'ab' });
    expect([noApp.status, noApp.json()]).toEqual([404, refused('No app or version')]);
    const wrong = await post('/node/app/version', fields);
    expect([wrong.status, wrong.json()]).toEqual([400, refused('ERROR: Wrong Args')]);
  });

  it('GET /scenario/fix records the HEAD each node really has, as a version "System Data Fix"', async () => {
    const byHand = node.s1.nodeapps.commit('greeter@demo', 'by hand');
    const res = await v1('/scenario/fix?name=demo');
    expect([res.status, res.json()]).toEqual([200, ok]);
    const info = (await v1('/scenario/info?name=demo')).json() as {
      Message: string;
      Apps: Array<{ NodeApps: string[] }>;
    };
    expect(info.Message).toBe('System Data Fix');
    expect(info.Apps[0].NodeApps).toContain(`(s1 - ${byHand.hash})`);
    const ghost = await v1('/scenario/fix?name=ghost');
    expect([ghost.status, ghost.json()]).toEqual([400, refused('Fix:ErrorScenarioNotFound')]);
    const lacking = await v1('/scenario/fix');
    expect([lacking.status, lacking.json()]).toEqual([404, refused('Lack scenario name')]);
  });

  it("runs octl's `scen apply <dir> purge`: purge scripts, then DELETE removes every nodeapp and the scenario", async () => {
    const purged = await deploy('demo', 'purge', 'PURGED');
    expect(purged.flat().map((r) => r.Result)).toEqual(['purge\n', 'purge\n', 'purge\n']);
    const res = await v1('/scenario/info?name=demo', 'DELETE');
    expect(res.status, res.text).toBe(200);
    expect(res.json()).toEqual(NODEAPPS.map((name) => entry(name)));
    expect([...node.s1.nodeapps.keys(), ...node.s2.nodeapps.keys()]).toEqual([]);
    expect((await v1('/scenario/info?name=demo')).status).toBe(404);
    const again = await v1('/scenario/info?name=demo', 'DELETE');
    expect([again.status, again.json()]).toEqual([404, refused('ERROR: Scenario Not Exists')]);
    const lacking = await v1('/scenario/info', 'DELETE');
    expect([lacking.status, lacking.json()]).toEqual([400, refused('Lack scenario name')]);
  });

  it('refuses wrong arguments, missing scenarios and unknown nodes as Octopoda does', async () => {
    const zip = { field: 'files', name: '1.zip', content: await zipOf({ README: 'x\n' }) };
    const app = { appName: 'a', scenario: 'empty', description: 'd', message: 'm', targetNodes: '["s1"]' };
    const cases: Array<[Promise<{ status: number; json: () => unknown }>, number, string]> = [
      [post('/scenario/app/prepare', app), 400, 'ERROR: Wrong Args'],
      [post('/scenario/app/prepare', { ...app, message: '' }, zip), 400, 'ERROR: Wrong Args'],
      [post('/scenario/app/prepare', { ...app, scenario: 'ghost' }, zip), 404, 'ERROR: Scenario Not Exists'],
      [post('/scenario/app/prepare', { ...app, targetNodes: '["ghost"]' }, zip), 400, OUT_OF_SCOPE],
      [
        post('/scenario/app/prepare', { ...app, targetNodes: 'x' }, zip),
        400,
        'ERROR: unmarshal targetNodes: x',
      ],
      [post('/scenario/app/deployment', app), 400, 'ERROR: Wrong Args'],
      [
        post('/scenario/app/deployment', { ...app, scenario: 'ghost' }, script('start')),
        404,
        'ERROR: Scenario Not Exists',
      ],
      [post('/scenario/app/commit', { ...app, message: '' }), 400, 'ERROR: Wrong Args'],
      [post('/scenario/app/commit', { ...app, targetNodes: '[]' }), 400, OUT_OF_SCOPE],
      [post('/scenario/update', { name: 'empty' }), 400, 'Lack scenario name or message'],
      [post('/scenario/update', { name: 'ghost', message: 'm' }), 404, 'ERROR: UpdateScenario'],
    ];
    for (const [sent, status, rmsg] of cases) {
      const res = await sent;
      expect([res.status, res.json()]).toEqual([status, refused(rmsg)]);
    }
    // Nothing was defined by the refused requests.
    expect((await t.api('/api/v2/scenarios/empty')).json()).toMatchObject({ apps: [] });
  });
});
