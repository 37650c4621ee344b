import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { History } from '../state/history';
import { EMPTY_STATE, StateType, type PakmaState } from '../state/pakma-state';
import { FakeInstaller } from '../testing/fake-installer';
import { ManualClock } from '../testing/manual-clock';
import { Supervisor } from './supervisor';

const PREVIEW_MS = 600_000;
const HEALTHY_MS = 30_000;
const stable = (current: string, last = ''): PakmaState => ({
  type: StateType.stable,
  last,
  current,
  preview: '',
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pakma-supervisor-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A supervisor over a fake installer and a hand-driven clock; `live` is the version the probe says is healthy. */
async function setup(state: PakmaState = EMPTY_STATE, options: { probe?: boolean } = {}) {
  const clock = new ManualClock();
  const installer = new FakeInstaller();
  const health = { live: '' };
  const saved: PakmaState[] = [];
  const history = await History.open(join(dir, 'history.json'));
  const supervisor = new Supervisor({
    state,
    saveState: async (next) => void saved.push(next),
    history,
    installer,
    clock,
    previewMs: PREVIEW_MS,
    healthyMs: HEALTHY_MS,
    probe: options.probe === false ? undefined : async (version) => version === health.live,
    logger: pino({ level: 'silent' }),
  });
  const lines = () => history.search(0, 100).map((line) => line.replace(/^\[[^\]]+\]: /, ''));
  return { clock, installer, health, saved, supervisor, lines };
}

describe('Supervisor requests', () => {
  it('reports EMPTY with no version fields', async () => {
    const { supervisor } = await setup();
    expect(await supervisor.getState()).toEqual({
      status: 200,
      body: { msg: 'OK', state_type: 1, state_msg: 'EMPTY' },
    });
  });

  it.each([
    ['install', (s: Supervisor) => s.install('1.0'), stable('1.0'), 'Use upgrade instead'],
    [
      'upgrade',
      (s: Supervisor) => s.upgrade('1.0'),
      EMPTY_STATE,
      'Not in stable state, confirm or install first',
    ],
    [
      'upgrade to the current version',
      (s: Supervisor) => s.upgrade('1.0'),
      stable('1.0'),
      'required version is already installed',
    ],
    ['confirm', (s: Supervisor) => s.confirm(), stable('1.0'), 'Not in preview state, not need confirm'],
    ['cancel', (s: Supervisor) => s.cancel(), EMPTY_STATE, 'Not in preview state, not need cancel'],
    [
      'downgrade',
      (s: Supervisor) => s.downgrade(),
      EMPTY_STATE,
      'Not in stable state, confirm or install first',
    ],
    [
      'downgrade without a last version',
      (s: Supervisor) => s.downgrade(),
      stable('1.0'),
      'cannot downgrade because no last version is remembered',
    ],
    [
      'install without a version',
      (s: Supervisor) => s.install(undefined),
      EMPTY_STATE,
      'Invalid version number',
    ],
    [
      'install of a bad version',
      (s: Supervisor) => s.install('1.0-rc'),
      EMPTY_STATE,
      'Invalid version number: must contain only digits and dots',
    ],
    [
      'upgrade to a bad version',
      (s: Supervisor) => s.upgrade('.1'),
      stable('1.0'),
      'Invalid version number: must not start or end with a dot',
    ],
  ] as const)('refuses %s with 400 and Octopoda message', async (_name, call, state, msg) => {
    const { supervisor, installer, saved } = await setup(state);
    expect(await call(supervisor)).toEqual({ status: 400, body: { msg } });
    expect((await supervisor.getState()).status).toBe(200);
    expect(installer.activated).toEqual([]);
    expect(saved).toEqual([]);
  });

  it('installs in the background: OK at once, then STABLE', async () => {
    const { supervisor, installer, saved, lines } = await setup();
    expect(await supervisor.install('1.0.0')).toEqual({ status: 200, body: { msg: 'OK' } });
    expect(await supervisor.getState()).toEqual({
      status: 200,
      body: { msg: 'OK', state_type: 2, state_msg: 'STABLE', curr_version: '1.0.0' },
    });
    expect(installer.activated).toEqual(['1.0.0']);
    expect(saved).toEqual([stable('1.0.0')]);
    expect(lines()).toEqual(['Install version 1.0.0 as stable version']);
  });

  it('reports a background failure once, as msg of the next state with 400, and keeps the state', async () => {
    const { supervisor, installer, lines } = await setup();
    installer.failing.set('1.0.0', 'release signature does not verify');
    expect((await supervisor.install('1.0.0')).status).toBe(200);
    expect(await supervisor.getState()).toEqual({
      status: 400,
      body: { msg: 'release signature does not verify', state_type: 1, state_msg: 'EMPTY' },
    });
    expect((await supervisor.getState()).body.msg).toBe('OK');
    expect(lines()).toEqual(['Fail to install version 1.0.0 as stable version']);
  });

  it('checks a request only once the running operation is done', async () => {
    const { supervisor, installer } = await setup();
    installer.hold();
    expect((await supervisor.install('1.0.0')).status).toBe(200);
    const upgrade = supervisor.upgrade('2.0.0');
    installer.releaseHeld();
    // Checked against STABLE 1.0.0 (the install's result), not against EMPTY.
    expect(await upgrade).toEqual({ status: 200, body: { msg: 'OK' } });
    installer.releaseHeld();
    expect((await supervisor.getState()).body).toMatchObject({
      state_msg: 'PREVIEW',
      preview_version: '2.0.0',
    });
  });

  it('cleans keeping the versions the state names', async () => {
    const { supervisor, installer } = await setup({ ...stable('2.0', '1.0') });
    expect((await supervisor.clean()).status).toBe(200);
    await supervisor.getState();
    expect(installer.cleaned).toEqual([['1.0', '2.0']]);
  });
});

describe('Supervisor previews', () => {
  it('upgrade → PREVIEW with a stored deadline; confirm → STABLE with last = the old current', async () => {
    const { supervisor, saved, clock, lines } = await setup(stable('1.0', '0.9'), { probe: false });
    await supervisor.upgrade('2.0');
    expect(await supervisor.getState()).toEqual({
      status: 200,
      body: {
        msg: 'OK',
        state_type: 3,
        state_msg: 'PREVIEW',
        last_version: '0.9',
        curr_version: '1.0',
        preview_version: '2.0',
      },
    });
    expect(saved.at(-1)).toEqual({
      ...stable('1.0', '0.9'),
      type: 3,
      preview: '2.0',
      previewDeadline: clock.now() + PREVIEW_MS,
    });
    expect(await supervisor.confirm()).toEqual({ status: 200, body: { msg: 'OK' } });
    expect((await supervisor.getState()).body).toEqual({
      msg: 'OK',
      state_type: 2,
      state_msg: 'STABLE',
      last_version: '1.0',
      curr_version: '2.0',
    });
    expect(lines()).toEqual([
      'Upgrade stable version 1.0 to version 2.0 as preview version',
      'Confirm preview version 2.0 as stable version',
    ]);
    await clock.advance(PREVIEW_MS);
    expect(saved.at(-1)).toEqual(stable('2.0', '1.0'));
  });

  it('cancel reinstalls the current version and stops the watch', async () => {
    const { supervisor, installer, clock, lines } = await setup(stable('1.0'));
    await supervisor.upgrade('2.0');
    await supervisor.cancel();
    expect((await supervisor.getState()).body).toEqual({
      msg: 'OK',
      state_type: 2,
      state_msg: 'STABLE',
      curr_version: '1.0',
    });
    expect(installer.activated).toEqual(['2.0', '1.0']);
    await clock.advance(PREVIEW_MS * 2);
    expect(installer.activated).toEqual(['2.0', '1.0']);
    expect(lines().at(-1)).toBe('Cancel preview version 2.0 and back to stable version 1.0');
  });

  it('confirms on its own once the preview was healthy for healthySeconds without a break', async () => {
    const { supervisor, clock, health, lines } = await setup(stable('1.0'));
    await supervisor.upgrade('2.0');
    await supervisor.getState();
    health.live = '2.0';
    await clock.advance(HEALTHY_MS / 2);
    health.live = '1.0'; // a drop resets the count
    await clock.advance(HEALTHY_MS / 2);
    health.live = '2.0';
    await clock.advance(HEALTHY_MS - 2000);
    expect((await supervisor.getState()).body.state_msg).toBe('PREVIEW');
    await clock.advance(3000);
    expect((await supervisor.getState()).body).toMatchObject({
      state_msg: 'STABLE',
      last_version: '1.0',
      curr_version: '2.0',
    });
    expect(lines().at(-1)).toBe('Confirm preview version 2.0 as stable version: healthy for 30 s');
  });

  it('rolls back at the deadline when the preview never came up healthy', async () => {
    const { supervisor, clock, installer, lines } = await setup(stable('1.0', '0.9'));
    await supervisor.upgrade('2.0');
    await supervisor.getState();
    await clock.advance(PREVIEW_MS - 1000);
    expect((await supervisor.getState()).body.state_msg).toBe('PREVIEW');
    await clock.advance(1000);
    expect((await supervisor.getState()).body).toEqual({
      msg: 'OK',
      state_type: 2,
      state_msg: 'STABLE',
      last_version: '0.9',
      curr_version: '1.0',
    });
    expect(installer.activated).toEqual(['2.0', '1.0']);
    expect(lines().at(-1)).toBe('Roll back preview version 2.0 to stable version 1.0: not healthy in time');
  });

  it('tries a failed rollback again later, reporting the failure', async () => {
    const { supervisor, clock, installer } = await setup(stable('1.0'));
    await supervisor.upgrade('2.0');
    await supervisor.getState();
    installer.failing.set('1.0', 'restart failed');
    await clock.advance(PREVIEW_MS);
    expect(await supervisor.getState()).toMatchObject({
      status: 400,
      body: { msg: 'restart failed', state_msg: 'PREVIEW' },
    });
    installer.failing.clear();
    await clock.advance(30_000);
    expect((await supervisor.getState()).body).toMatchObject({ state_msg: 'STABLE', curr_version: '1.0' });
  });

  it('keeps watching a preview whose cancel failed', async () => {
    const { supervisor, clock, installer } = await setup(stable('1.0'));
    await supervisor.upgrade('2.0');
    installer.failing.set('1.0', 'restart failed');
    await supervisor.cancel();
    expect(await supervisor.getState()).toMatchObject({ status: 400, body: { state_msg: 'PREVIEW' } });
    installer.failing.clear();
    await clock.advance(PREVIEW_MS);
    expect((await supervisor.getState()).body).toMatchObject({ state_msg: 'STABLE', curr_version: '1.0' });
  });

  it('downgrade reinstalls the last version and forgets it', async () => {
    const { supervisor, installer, lines } = await setup(stable('2.0', '1.0'));
    await supervisor.downgrade();
    expect((await supervisor.getState()).body).toEqual({
      msg: 'OK',
      state_type: 2,
      state_msg: 'STABLE',
      curr_version: '1.0',
    });
    expect(installer.activated).toEqual(['1.0']);
    expect(lines()).toEqual(['version 2.0 downgrade to version 1.0 as stable version']);
  });
});

describe('Supervisor after a restart', () => {
  const preview = (deadline: number): PakmaState => ({
    type: 3,
    last: '',
    current: '1.0',
    preview: '2.0',
    previewDeadline: deadline,
  });

  it('rolls back a preview whose deadline passed at once', async () => {
    const { supervisor, installer, clock } = await setup(preview(new ManualClock().now() - 1));
    await clock.advance(0);
    expect((await supervisor.getState()).body).toMatchObject({ state_msg: 'STABLE', curr_version: '1.0' });
    expect(installer.activated).toEqual(['1.0']);
  });

  it('keeps the stored deadline of a preview, not a fresh previewDuration', async () => {
    const { supervisor, clock, installer } = await setup(preview(new ManualClock().now() + 60_000));
    await clock.advance(59_000);
    expect((await supervisor.getState()).body.state_msg).toBe('PREVIEW');
    await clock.advance(1000);
    expect((await supervisor.getState()).body).toMatchObject({ state_msg: 'STABLE', curr_version: '1.0' });
    expect(installer.activated).toEqual(['1.0']);
  });

  it('confirms a preview that is healthy after the restart', async () => {
    const { supervisor, clock, health } = await setup(preview(new ManualClock().now() + PREVIEW_MS));
    health.live = '2.0';
    await clock.advance(HEALTHY_MS);
    expect((await supervisor.getState()).body).toMatchObject({
      state_msg: 'STABLE',
      last_version: '1.0',
      curr_version: '2.0',
    });
  });
});
