import { makeTempDir, waitFor } from '@octopod/testing';
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PakmaConfigInput } from './config';
import { startPakma, type RunningPakma } from './server';
import { ARCH, OS, startReleaseWorld, type ReleaseWorld } from './testing/release-world';

const PREVIEW_SECONDS = 3;

let temp: ReturnType<typeof makeTempDir>;
let world: ReleaseWorld;
let pakma: RunningPakma;
let paths: { root: string; installRoot: string; statusFile: string; restartLog: string };

function config(overrides: Partial<PakmaConfigInput> = {}): PakmaConfigInput {
  return {
    app: 'tentacle',
    ip: '127.0.0.1',
    port: 0,
    root: paths.root,
    installRoot: paths.installRoot,
    previewDuration: PREVIEW_SECONDS,
    healthySeconds: 0.5,
    restartDelay: 0,
    releaseKey: world.releaseKey,
    nameServer: { host: '127.0.0.1', port: world.nameServerPort },
    tls: world.tls,
    restart: ['sh', world.restartScript, paths.installRoot, paths.statusFile, paths.restartLog],
    statusFile: paths.statusFile,
    os: OS,
    arch: ARCH,
    logger: { level: 'silent' },
    ...overrides,
  };
}

beforeAll(async () => {
  temp = makeTempDir('pakma-it-');
  world = await startReleaseWorld(temp.path);
  paths = {
    root: join(temp.path, 'var', 'pakma'),
    installRoot: join(temp.path, 'opt', 'tentacle'),
    statusFile: join(temp.path, 'link-status.json'),
    restartLog: join(temp.path, 'restarts.log'),
  };
  pakma = await startPakma(config());
});

afterAll(async () => {
  await pakma?.close();
  await world?.close();
  temp?.remove();
});

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

async function call(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  form?: Record<string, string>,
): Promise<Reply> {
  const res = await fetch(`http://127.0.0.1:${pakma.port}${path}`, {
    method,
    body: form ? new URLSearchParams(form) : undefined,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const state = () => call('GET', '/state');
const current = () => readlinkSync(join(paths.installRoot, 'current'));
const restarts = () =>
  existsSync(paths.restartLog) ? readFileSync(paths.restartLog, 'utf8').trim().split('\n') : [];
const stableAt = (curr: string, last?: string) => async () => {
  const { body } = await state();
  return body.state_msg === 'STABLE' && body.curr_version === curr && body.last_version === last;
};

describe('pakma over HTTP with a real name server', () => {
  it('starts EMPTY and writes pakma.json into the root it creates', async () => {
    expect(await state()).toEqual({ status: 200, body: { msg: 'OK', state_type: 1, state_msg: 'EMPTY' } });
    expect(JSON.parse(readFileSync(join(paths.root, 'pakma.json'), 'utf8'))).toMatchObject({ StateType: 1 });
  });

  it('refuses bad versions and requests out of state with 400 and Octopoda messages', async () => {
    const cases: [string, Record<string, string> | undefined, string][] = [
      ['/install', { version: '1.x' }, 'Invalid version number: must contain only digits and dots'],
      ['/install', { version: '1..2' }, 'Invalid version number: must not contain empty parts'],
      ['/install', undefined, 'Invalid version number'],
      ['/upgrade', { version: '1.0.0' }, 'Not in stable state, confirm or install first'],
      ['/confirm', undefined, 'Not in preview state, not need confirm'],
      ['/cancel', undefined, 'Not in preview state, not need cancel'],
      ['/downgrade', undefined, 'Not in stable state, confirm or install first'],
    ];
    for (const [path, form, msg] of cases)
      expect(await call('POST', path, form)).toEqual({ status: 400, body: { msg } });
    expect(await call('GET', '/install')).toEqual({ status: 404, body: { msg: 'not found' } });
    expect(await call('DELETE', '/state')).toEqual({ status: 404, body: { msg: 'not found' } });
  });

  it.each([
    ['4.0.0', 'unsigned', 'release is not signed'],
    ['5.0.0', 'tampered', 'release signature does not verify'],
    ['6.0.0', 'signed with another key', 'release signature does not verify'],
  ])(
    'refuses release %s (%s): OK at once, then the failure once by /state, nothing installed',
    async (version, _why, message) => {
      expect(await call('POST', '/install', { version })).toEqual({ status: 200, body: { msg: 'OK' } });
      expect(await state()).toEqual({
        status: 400,
        body: {
          msg: `octopod-tentacle_v${version}_${OS}_${ARCH}.tar.gz: ${message}`,
          state_type: 1,
          state_msg: 'EMPTY',
        },
      });
      expect((await state()).status).toBe(200);
      expect(existsSync(paths.installRoot) ? readdirSync(paths.installRoot) : []).toEqual([]);
      expect(existsSync(join(paths.root, 'cache')) ? readdirSync(join(paths.root, 'cache')) : []).toEqual([]);
      expect(restarts()).toEqual([]);
    },
  );

  it('reports a version the name server does not have', async () => {
    await call('POST', '/install', { version: '9.9.9' });
    expect((await state()).body.msg).toBe(
      `release octopod-tentacle_v9.9.9_${OS}_${ARCH}.tar.gz is not on the name server (404)`,
    );
  });

  it('installs 1.0.0: STABLE, current -> 1.0.0, service restarted, download cached', async () => {
    expect(await call('POST', '/install', { version: '1.0.0' })).toEqual({
      status: 200,
      body: { msg: 'OK' },
    });
    expect(await state()).toEqual({
      status: 200,
      body: { msg: 'OK', state_type: 2, state_msg: 'STABLE', curr_version: '1.0.0' },
    });
    expect(current()).toBe('1.0.0');
    expect(readdirSync(join(paths.installRoot, '1.0.0')).sort()).toEqual([
      'manifest.json',
      'pakma.js',
      'tentacle.js',
    ]);
    expect(readdirSync(join(paths.root, 'cache')).sort()).toEqual([
      `octopod-tentacle_v1.0.0_${OS}_${ARCH}.tar.gz`,
      `octopod-tentacle_v1.0.0_${OS}_${ARCH}.tar.gz.sig`,
    ]);
    expect(restarts()).toEqual(['1.0.0']);
    expect(await call('POST', '/install', { version: '2.0.0' })).toEqual({
      status: 400,
      body: { msg: 'Use upgrade instead' },
    });
    expect(await call('POST', '/upgrade', { version: '1.0.0' })).toEqual({
      status: 400,
      body: { msg: 'required version is already installed' },
    });
  });

  it('confirms an upgrade on its own once the new version is linked for healthySeconds', async () => {
    expect(await call('POST', '/upgrade', { version: '2.0.0' })).toEqual({
      status: 200,
      body: { msg: 'OK' },
    });
    const preview = await state();
    // Either still on trial, or already confirmed by a fast machine.
    if (preview.body.state_msg === 'PREVIEW') {
      expect(preview.body).toEqual({
        msg: 'OK',
        state_type: 3,
        state_msg: 'PREVIEW',
        curr_version: '1.0.0',
        preview_version: '2.0.0',
      });
    }
    await waitFor(stableAt('2.0.0', '1.0.0'), { what: 'STABLE 2.0.0 after 1.0.0' });
    expect(current()).toBe('2.0.0');
    const { body } = await call('GET', '/history?limit=1');
    expect(body.history).toEqual([
      expect.stringMatching(
        /^\[.+\]: Confirm preview version 2\.0\.0 as stable version: healthy for 0\.5 s$/,
      ),
    ]);
  });

  it('rolls an upgrade that never connects back to the stable version at the deadline', async () => {
    await call('POST', '/upgrade', { version: '3.0.0' });
    expect((await state()).body).toMatchObject({ state_msg: 'PREVIEW', preview_version: '3.0.0' });
    expect(current()).toBe('3.0.0');
    await waitFor(stableAt('2.0.0', '1.0.0'), {
      what: 'rolled back to 2.0.0',
      timeoutMs: (PREVIEW_SECONDS + 10) * 1000,
    });
    expect(current()).toBe('2.0.0');
    expect(restarts()).toEqual(['1.0.0', '2.0.0', '3.0.0', '2.0.0']);
    const { body } = await call('GET', '/history?limit=1');
    expect(body.history).toEqual([
      expect.stringMatching(
        /: Roll back preview version 3\.0\.0 to stable version 2\.0\.0: not healthy in time$/,
      ),
    ]);
  });

  it('keeps state and a pending preview across a pakma restart, with its deadline', async () => {
    await call('POST', '/upgrade', { version: '3.0.0' });
    expect((await state()).body.state_msg).toBe('PREVIEW');
    await pakma.close();
    pakma = await startPakma(config());
    expect((await state()).body).toMatchObject({
      state_msg: 'PREVIEW',
      curr_version: '2.0.0',
      preview_version: '3.0.0',
    });
    await waitFor(stableAt('2.0.0', '1.0.0'), { what: 'rolled back after the restart', timeoutMs: 15_000 });
    expect(current()).toBe('2.0.0');
  });

  it('rolls back at once a preview whose deadline passed while pakma was down', async () => {
    await call('POST', '/upgrade', { version: '3.0.0' });
    expect((await state()).body.state_msg).toBe('PREVIEW');
    await pakma.close();
    const file = join(paths.root, 'pakma.json');
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(
      file,
      JSON.stringify({ ...saved, PreviewDeadline: new Date(Date.now() - 1000).toISOString() }),
    );
    // A fresh previewDuration would be a minute: being back within seconds shows the stored deadline was kept.
    pakma = await startPakma(config({ previewDuration: 60 }));
    await waitFor(stableAt('2.0.0', '1.0.0'), { what: 'rolled back at start', timeoutMs: 15_000 });
    expect(current()).toBe('2.0.0');
  });

  it('cancels and confirms a preview by hand', async () => {
    await call('POST', '/upgrade', { version: '3.0.0' });
    expect(await call('POST', '/cancel')).toEqual({ status: 200, body: { msg: 'OK' } });
    expect(await stableAt('2.0.0', '1.0.0')()).toBe(true);
    expect(current()).toBe('2.0.0');
    await call('POST', '/upgrade', { version: '3.0.0' });
    expect(await call('POST', '/confirm')).toEqual({ status: 200, body: { msg: 'OK' } });
    expect(await stableAt('3.0.0', '2.0.0')()).toBe(true);
    expect(current()).toBe('3.0.0');
  });

  it('downgrades to the last version once', async () => {
    expect(await call('POST', '/downgrade')).toEqual({ status: 200, body: { msg: 'OK' } });
    expect(await state()).toEqual({
      status: 200,
      body: { msg: 'OK', state_type: 2, state_msg: 'STABLE', curr_version: '2.0.0' },
    });
    expect(current()).toBe('2.0.0');
    expect(await call('POST', '/downgrade')).toEqual({
      status: 400,
      body: { msg: 'cannot downgrade because no last version is remembered' },
    });
  });

  it('answers history in Octopoda lines, 10 by default and for limit=0', async () => {
    const line = /^\[\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d\]: \S/;
    for (const query of ['', '?limit=0', '?time=2000-01-01@00:00:00&limit=0']) {
      const { status, body } = await call('GET', `/history${query}`);
      expect(status).toBe(200);
      expect(body.msg).toBe('OK');
      expect(body.history).toHaveLength(10);
      for (const entry of body.history as string[]) expect(entry).toMatch(line);
    }
    const first = (await call('GET', '/history?time=2000-01-01@00:00:00&limit=2')).body.history as string[];
    expect(first[0]).toMatch(/: Fail to install version 4\.0\.0 as stable version$/);
    expect(first[1]).toMatch(/: Fail to install version 5\.0\.0 as stable version$/);
    const last = (await call('GET', '/history?limit=1')).body.history as string[];
    expect(last[0]).toMatch(/: version 3\.0\.0 downgrade to version 2\.0\.0 as stable version$/);
  });

  it('cleans cached downloads and versions the state no longer names', async () => {
    expect(readdirSync(paths.installRoot).sort()).toEqual(['1.0.0', '2.0.0', '3.0.0', 'current']);
    expect(await call('POST', '/clean')).toEqual({ status: 200, body: { msg: 'OK' } });
    expect((await state()).status).toBe(200);
    expect(readdirSync(paths.installRoot).sort()).toEqual(['2.0.0', 'current']);
    expect(existsSync(join(paths.root, 'cache'))).toBe(false);
  });
});
