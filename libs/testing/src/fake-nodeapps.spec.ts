import type { FilePush, NodeAppOp, NodeAppRef, TaskAssign } from '@octopod/protocol';
import { describe, expect, it } from 'vitest';
import { FakeNodeApps } from './fake-nodeapps';

const web: NodeAppRef = { app: 'web', scenario: 'demo' };

let ids = 0;

function task(overrides: Partial<TaskAssign>): TaskAssign {
  return {
    invocationId: `i-${++ids}`,
    taskId: 't-1',
    kind: 'command',
    command: 'true',
    script: null,
    background: false,
    delayMs: 0,
    startAt: null,
    maxAlignErrorMs: 5,
    timeoutMs: null,
    env: {},
    app: null,
    nodeapp: null,
    ...overrides,
  };
}

const change = (nodeapp: NodeAppOp, app: NodeAppRef = web) =>
  task({ kind: 'nodeapp', command: '', app, nodeapp });

function pushOf(sha: string, message = 'prepare', app: NodeAppRef = web) {
  const push = {
    invocationId: `p-${++ids}`,
    sha256: sha.repeat(64).slice(0, 64),
    nodeapp: { ...app, message },
  };
  return push as FilePush & { nodeapp: NonNullable<FilePush['nodeapp']> };
}

const outcomeOf = (end: ReturnType<FakeNodeApps['change']>) => {
  if ('error' in end) throw new Error(end.error);
  return end.outcome;
};

describe('FakeNodeApps', () => {
  it('commits a push: a first version always, the same source again changes nothing', () => {
    const apps = new FakeNodeApps('pi-1');
    const first = apps.pushed(pushOf('a', 'v1'));
    expect(first).toEqual({ version: expect.stringMatching(/^[0-9a-f]{40}$/), modified: true });
    expect(apps.pushed(pushOf('a', 'same'))).toEqual({ version: first.version, modified: false });
    const second = apps.pushed(pushOf('b', 'v2'));
    expect(second.modified).toBe(true);
    expect(apps.get('web@demo')?.map((v) => [v.hash, v.message])).toEqual([
      [second.version, 'v2'],
      [first.version, 'v1'],
    ]);
  });

  it('commits only what changed unless always, and fails on a nodeapp it does not have', () => {
    const apps = new FakeNodeApps('pi-1');
    const { version } = apps.pushed(pushOf('a'));
    expect(outcomeOf(apps.change(change({ op: 'commit', message: 'm', always: false })))).toEqual({
      version,
      modified: false,
    });
    apps.touch('web@demo');
    const touched = outcomeOf(apps.change(change({ op: 'commit', message: 'touched', always: false })));
    expect(touched.modified).toBe(true);
    const always = outcomeOf(apps.change(change({ op: 'commit', message: 'always', always: true })));
    expect(always.version).not.toBe(touched.version);
    expect(apps.get('web@demo')).toHaveLength(3);
    expect(
      apps.change(change({ op: 'commit', message: 'm', always: true }, { app: 'x', scenario: 'y' })),
    ).toEqual({ error: 'nodeapp x@y does not exist on pi-1' });
  });

  it('resets by prefix as a new version, refusing short, unknown and ambiguous prefixes as a tentacle does', () => {
    const apps = new FakeNodeApps('pi-1');
    apps.commit('web@demo', 'A', 'ab12'.padEnd(40, '0'));
    apps.commit('web@demo', 'B', 'ab34'.padEnd(40, '0'));
    const reset = (version: string) => apps.change(change({ op: 'reset', version, message: 'back' }));
    const back = outcomeOf(reset('AB12'));
    expect(back.modified).toBe(true);
    expect(apps.get('web@demo')?.map((v) => v.message)).toEqual(['back', 'B', 'A']);
    expect(reset('a')).toEqual({ error: 'version "a" must be 2 to 40 hex digits' });
    expect(reset('ffff')).toEqual({ error: 'no version ffff in /fake/workspace/web@demo' });
    expect(reset('ab')).toMatchObject({
      error: expect.stringMatching(/^version ab is ambiguous \((2|3) match\)$/),
    });
  });

  it('removes a nodeapp once, and a failChange option fails the change', () => {
    const apps = new FakeNodeApps('pi-1', {
      failChange: (assign) => (assign.nodeapp?.op === 'reset' ? 'no' : undefined),
    });
    apps.pushed(pushOf('a'));
    expect(apps.change(change({ op: 'reset', version: 'abcd', message: 'm' }))).toEqual({ error: 'no' });
    expect(outcomeOf(apps.change(change({ op: 'remove' })))).toEqual({ version: '', modified: true });
    expect(outcomeOf(apps.change(change({ op: 'remove' })))).toEqual({ version: '', modified: false });
    expect(apps.get('web@demo')).toBeUndefined();
  });

  it("records a script's run in its nodeapp, creating the nodeapp without a version", () => {
    const apps = new FakeNodeApps('pi-1');
    apps.ran({ ...task({ kind: 'script', command: 'start.sh', env: { X: '1' } }), app: web });
    expect(apps.state('web@demo')).toMatchObject({
      versions: [],
      runs: [
        {
          kind: 'script',
          command: 'start.sh',
          env: {
            OCTOPODA_APP: 'web',
            OCTOPODA_SCENARIO: 'demo',
            OCTOPODA_CURRENTDIR: '/fake/workspace/web@demo/',
            X: '1',
          },
        },
      ],
    });
  });

  it('lists nodeapps sorted, versions paged, one, or refuses a missing one', () => {
    const apps = new FakeNodeApps('pi-1');
    apps.pushed(pushOf('a', 'v1'));
    apps.pushed(pushOf('b', 'v2'));
    apps.touch('api@demo');
    const all = apps.list({ only: null, offset: 0, limit: 5 });
    expect(all.kind).toBe('nodeapp.list.result');
    if (all.kind !== 'nodeapp.list.result') return;
    expect(all.body.apps.map((a) => [a.app, a.dirty, a.versions.length])).toEqual([
      ['api', true, 0],
      ['web', false, 2],
    ]);
    const paged = apps.list({ only: web, offset: 1, limit: 1 });
    expect(paged).toMatchObject({ body: { apps: [{ app: 'web', versions: [{ message: 'v1' }] }] } });
    expect(apps.list({ only: { app: 'gone', scenario: 'demo' }, offset: 0, limit: 5 })).toEqual({
      kind: 'error',
      body: { code: 'not_found', message: 'no nodeapp gone@demo on pi-1' },
    });
  });
});
