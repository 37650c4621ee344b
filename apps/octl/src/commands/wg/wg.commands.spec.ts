import {
  OctopodApiError,
  type ChangeWorkgroupMembersRequest,
  type ResolveNodesResult,
  type Workgroup,
  type WorkgroupChange,
} from '@octopod/sdk';
import { describe, expect, it } from 'vitest';
import { runOctl } from '../../cli';
import type { WorkgroupApi } from '../../context';
import { OctlError } from '../../errors';
import type { OutputSink, View } from '../../output/output';
import { wgAdd } from './add.command';
import { wgCd } from './cd.command';
import { parseCurrentPath, workgroupPlace, type PlaceFiles } from './current-path';
import { wgGet } from './get.command';
import { wgGrant } from './grant.command';
import { wgLs } from './ls.command';
import { wgRm } from './rm.command';
import { normalizeRoot, resolveGroupPath, targetPath } from './wg-path';

function sink(): OutputSink & { views: View[] } {
  const views: View[] = [];
  return { views, print: (view) => views.push(view) };
}

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return (error as Error).message;
}

/** A brain's workgroup API in memory: groups → members; n1, n2 online, n3 unstable. */
class FakeWorkgroups implements WorkgroupApi {
  readonly calls: string[] = [];
  readonly groups = new Map<string, string[]>([
    ['', ['n1', 'n2', 'n3']],
    ['/lab', ['n1', 'n2']],
    ['/lab/sub', ['n1']],
  ]);

  private find(path: string): string[] {
    const members = this.groups.get(path === '/' ? '' : path);
    if (!members) throw new OctopodApiError(404, 'workgroup_not_found', `no workgroup at ${path}`);
    return members;
  }

  async getWorkgroup(query?: { path?: string }): Promise<Workgroup> {
    const path = query?.path === '/' ? '' : (query?.path ?? '');
    this.calls.push(`get ${query?.path}`);
    const members = this.find(path);
    const children = [...this.groups.keys()].filter(
      (p) => p.startsWith(`${path}/`) && !p.slice(path.length + 1).includes('/'),
    );
    return { path, members, children, hasPassword: false };
  }

  async changeWorkgroupMembers(body: ChangeWorkgroupMembersRequest): Promise<WorkgroupChange> {
    this.calls.push(`${body.action} ${body.path} ${body.members.join(' ')}`);
    const members = this.groups.get(body.path) ?? [];
    const after =
      body.action === 'add'
        ? [...new Set([...members, ...body.members])]
        : members.filter((m) => !body.members.includes(m));
    this.groups.set(body.path, after);
    return { path: body.path, members: after, deleted: after.length ? [] : [body.path] };
  }

  async deleteWorkgroup(query: { path: string }): Promise<WorkgroupChange> {
    this.calls.push(`delete ${query.path}`);
    this.find(query.path);
    this.groups.delete(query.path);
    return { path: query.path, members: [], deleted: [query.path] };
  }

  async grantWorkgroup(body: { path: string; password: string }): Promise<void> {
    this.calls.push(`grant ${body.path} ${body.password}`);
  }

  async resolveNodes(body: { targets: string[] }): Promise<ResolveNodesResult> {
    this.calls.push(`resolve ${body.targets.join(' ')}`);
    const known = ['n1', 'n2', 'n3'];
    const names = body.targets.flatMap((t) => (t === '@lab' ? ['n1', 'n2'] : known.includes(t) ? [t] : []));
    return {
      online: names.filter((n) => n !== 'n3'),
      unhealthy: names.filter((n) => n === 'n3'),
      unknown: body.targets.filter((t) => t !== '@lab' && !known.includes(t)),
    };
  }
}

function memoryFiles(initial: Record<string, string> = {}): PlaceFiles & { files: Record<string, string> } {
  const files = { ...initial };
  return { files, read: (path) => files[path], write: (path, text) => void (files[path] = text) };
}

describe('workgroup paths (client side, as Octopoda octl)', () => {
  it('resolves relative paths from the current group; .. and / work; / is the root', () => {
    expect(resolveGroupPath('', 'lab')).toBe('/lab');
    expect(resolveGroupPath('/lab', 'sub')).toBe('/lab/sub');
    expect(resolveGroupPath('/lab/sub', '..')).toBe('/lab');
    expect(resolveGroupPath('/lab', '../..')).toBe('');
    expect(resolveGroupPath('/lab', '/')).toBe('');
    expect(resolveGroupPath('/lab', '')).toBe('/lab');
    expect(resolveGroupPath('/lab', '/other//x/')).toBe('/other/x');
    expect(normalizeRoot('')).toBe('');
    expect(normalizeRoot('/')).toBe('');
    expect(normalizeRoot('lab/')).toBe('/lab');
  });

  it('refuses paths outside the root group before asking the brain', () => {
    const place = { root: '/lab', current: () => '/lab/sub' };
    expect(targetPath(place, '..')).toBe('/lab');
    expect(() => targetPath(place, '../..')).toThrow('root workgroup is /lab, cannot access /');
    expect(() => targetPath(place, '/labx')).toThrow(OctlError);
  });
});

describe('the current path file', () => {
  it("reads Octopoda's `current:` key; anything else means the root", () => {
    expect(parseCurrentPath('current: /lab\n')).toBe('/lab');
    expect(parseCurrentPath('current: ""\n')).toBe('');
    expect(parseCurrentPath('current: /\n')).toBe('');
    expect(parseCurrentPath('current: lab/\n')).toBe('/lab');
    expect(parseCurrentPath('nonsense: [')).toBeUndefined();
    expect(parseCurrentPath(undefined)).toBeUndefined();
  });

  it('is created at the root on first use, kept, and reset when not under the root', () => {
    const files = memoryFiles();
    const place = workgroupPlace({ root: '', currentPathFile: '/f.yaml' }, files);
    expect(place.current()).toBe('');
    expect(files.files['/f.yaml']).toBe('current: /\n');
    place.save('/lab');
    expect(files.files['/f.yaml']).toBe('current: /lab\n');
    expect(workgroupPlace({ root: '', currentPathFile: '/f.yaml' }, files).current()).toBe('/lab');
    const moved = workgroupPlace({ root: '/other', currentPathFile: '/f.yaml' }, files);
    expect(moved.current()).toBe('/other');
    expect(files.files['/f.yaml']).toBe('current: /other\n');
  });

  it('without a file the current group is the root, and cd says what to configure', () => {
    const place = workgroupPlace({ root: '/lab' });
    expect(place.current()).toBe('/lab');
    expect(() => place.save('/lab/sub')).toThrow('workgroup.currentPathFile');
  });
});

describe('octl wg', () => {
  const at = (current: string, root = '') => {
    const files = memoryFiles({ '/f.yaml': `current: ${current || '/'}\n` });
    return workgroupPlace({ root, currentPathFile: '/f.yaml' }, files);
  };

  it('cd checks the target from inside it, then remembers it', async () => {
    const brain = new FakeWorkgroups();
    const place = at('');
    const actingIn: string[] = [];
    const connect = async (path: string) => (actingIn.push(path), brain);
    const out = sink();
    await wgCd(connect, place, 'lab', out);
    expect(place.current()).toBe('/lab');
    await wgCd(connect, place, 'sub', out);
    expect(place.current()).toBe('/lab/sub');
    await wgCd(connect, place, '..', out);
    await wgCd(connect, place, undefined, out);
    expect(place.current()).toBe('');
    expect(actingIn).toEqual(['/lab', '/lab/sub', '/lab', '']);
    expect(out.views.map((v) => v.table())).toEqual([
      'cd to /lab',
      'cd to /lab/sub',
      'cd to /lab',
      'cd to /',
    ]);
    expect(await failure(wgCd(connect, place, '/nope', out))).toBe('cannot cd to /nope: no such workgroup');
    expect(place.current()).toBe('');
  });

  it('cd ~ goes back to the root group; cd outside it is refused', async () => {
    const brain = new FakeWorkgroups();
    const place = at('/lab/sub', '/lab');
    await wgCd(async () => brain, place, '~', sink());
    expect(place.current()).toBe('/lab');
    expect(await failure(wgCd(async () => brain, place, '/', sink()))).toContain('cannot access /');
  });

  it('ls shows children relative to the group; get shows members', async () => {
    const brain = new FakeWorkgroups();
    const out = sink();
    await wgLs(brain, at(''), undefined, out);
    await wgLs(brain, at('/lab'), undefined, out);
    await wgGet(brain, at('/lab'), 'sub', out);
    await wgGet(brain, at('/lab'), '/', out);
    expect(out.views.map((v) => v.data)).toEqual([['lab'], ['sub'], ['n1'], ['n1', 'n2', 'n3']]);
    expect(out.views[1].table()).toBe('NAME\nsub');
    expect(brain.calls).toEqual(['get /', 'get /lab', 'get /lab/sub', 'get /']);
  });

  it('add resolves names and @groups, refusing unknown or unhealthy ones like Octopoda', async () => {
    const brain = new FakeWorkgroups();
    const out = sink();
    await wgAdd(brain, at(''), 'g1', ['@lab'], out);
    expect(brain.calls.at(-1)).toBe('add /g1 n1 n2');
    expect(out.views[0].table()).toBe('OK\nmembers of /g1: n1, n2');
    expect(await failure(wgAdd(brain, at(''), 'g1', ['n3'], out))).toContain('unhealthy nodes: n3');
    expect(await failure(wgAdd(brain, at(''), 'g1', ['n1', 'ghost'], out))).toContain(
      'unknown nodes or groups: ghost',
    );
    expect(brain.calls.filter((c) => c.startsWith('add'))).toHaveLength(1);
  });

  it('rm removes names (unhealthy ones too), or deletes the group when none are given', async () => {
    const brain = new FakeWorkgroups();
    const out = sink();
    const stderr: string[] = [];
    const terminal = { writeErr: (t: string) => void stderr.push(t) };
    await wgRm(brain, at(''), '/lab', ['n1', 'n3', 'ghost'], out, terminal);
    expect(brain.calls.at(-1)).toBe('remove /lab n1 n3');
    expect(stderr).toEqual(['octl: skipping unknown nodes or groups: ghost\n']);
    expect(await failure(wgRm(brain, at(''), '/lab', ['ghost'], out, terminal))).toContain(
      'to delete the workgroup: octl wg rm /lab',
    );
    await wgRm(brain, at('/lab'), '.', [], out, terminal);
    expect(brain.calls.at(-1)).toBe('delete /lab');
    expect(out.views.at(-1)?.table()).toBe('OK\ndeleted /lab');
  });

  it('grant refuses passwords under 6 characters without asking the brain', async () => {
    const brain = new FakeWorkgroups();
    expect(await failure(wgGrant(brain, at(''), '/lab', '12345', sink()))).toContain('at least 6 characters');
    await wgGrant(brain, at(''), 'lab', '123456', sink());
    expect(brain.calls).toEqual(['grant /lab 123456']);
  });

  it('runs through the CLI: pwd prints the current path, wg acts in it', async () => {
    const brain = new FakeWorkgroups();
    const place = at('/lab');
    let stdout = '';
    const actingIn: string[] = [];
    const run = (argv: string[]) =>
      runOctl(argv, {
        stdout: { write: (t: string) => (stdout += t), isTTY: false },
        stderr: { write: () => undefined },
        env: {},
        cwd: '/nonexistent',
        home: '/nonexistent',
        place,
        connectWorkgroups: async (path) => (actingIn.push(path), brain),
      });
    expect(await run(['wg', 'pwd'])).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ path: '/lab', root: '/' });
    stdout = '';
    expect(await run(['wg', 'ls', '-o', 'table'])).toBe(0);
    expect(stdout).toBe('NAME\nsub\n');
    expect(await run(['wg', 'grant', '/lab', 'short'])).toBe(2);
    expect(actingIn).toEqual(['/lab']);
  });
});
