import { logFileName, readLogTail } from '@octopod/logfiles';
import { makeTempDir, waitFor } from '@octopod/testing';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrainLogger } from '../../core/logging/logger';
import { ROOT_PASSWORD, startTestBrain, type TestBrain } from '../../../test/brain-harness';

const pino = (time: number, msg: string) => JSON.stringify({ level: 30, time, msg });
/** A node's log of 40 lines, one a second. */
const NODE_LINES = Array.from({ length: 40 }, (_, i) => pino(1_700_000_000_000 + i * 1000, `line ${i}`));

/** Local midnight `daysBefore` days ago, as the daily files are named. */
const day = (daysBefore: number) => {
  const now = new Date();
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() - daysBefore);
};

describe('logs: a node’s or the brain’s log tail on both faces (real Postgres, Redis, sockets)', () => {
  let t: TestBrain;

  const v1 = (path: string) =>
    t.api(`/api/v1${path}`, { headers: { rootpath: '', currentpath: '', password: ROOT_PASSWORD } });
  const v2 = (path: string) => t.api(`/api/v2${path}`);

  beforeAll(async () => {
    t = await startTestBrain();
    t.pki.client('logger-1');
    await t.tentacle('logger-1', { logs: NODE_LINES }).join();
    // The brain's own files: yesterday's three lines and today's two.
    const { path, namePrefix } = t.config.logger;
    mkdirSync(path, { recursive: true });
    const write = (daysBefore: number, lines: string[]) =>
      writeFileSync(
        join(path, logFileName(namePrefix, day(daysBefore))),
        lines.map((l) => `${l}\n`).join(''),
      );
    write(1, ['y1', 'y2', 'y3']);
    write(0, ['t1', 't2']);
  });
  afterAll(() => t.stop());

  it('v2: the last lines of a node, 30 by default, or as many as asked', async () => {
    const res = await v2('/nodes/logger-1/logs');
    expect(res.status, res.text).toBe(200);
    expect(res.json()).toEqual({ node: 'logger-1', oldestDay: 0, lines: NODE_LINES.slice(-30) });
    expect((await v2('/nodes/logger-1/logs?lines=3&days=2')).json()).toMatchObject({
      lines: NODE_LINES.slice(-3),
    });
  });

  it("v2: the brain's own daily files, reaching back as many days as allowed", async () => {
    expect((await v2('/nodes/brain/logs')).json()).toEqual({
      node: 'brain',
      oldestDay: 0,
      lines: ['t1', 't2'],
    });
    expect((await v2('/nodes/brain/logs?lines=4&days=1')).json()).toEqual({
      node: 'brain',
      oldestDay: 1,
      lines: ['y2', 'y3', 't1', 't2'],
    });
  });

  it('v2: refuses bad counts, and names an absent node', async () => {
    for (const query of ['lines=-1', 'lines=ten', 'days=1.5', 'lines=10001']) {
      const res = await v2(`/nodes/logger-1/logs?${query}`);
      expect([res.status, (res.json() as { code: string }).code], query).toEqual([400, 'bad_request']);
    }
    const absent = await v2('/nodes/nowhere/logs');
    expect([absent.status, (absent.json() as { code: string }).code]).toEqual([409, 'node_offline']);
  });

  it("v1: Octopoda's LogParams, MaxLines being the lines returned", async () => {
    const res = await v1('/node/log?name=logger-1&maxlines=5');
    expect(res.status, res.text).toBe(200);
    expect(res.json()).toEqual({ MaxLines: 5, MaxDaysBefore: 0, Logs: NODE_LINES.slice(-5) });
    expect((await v1('/node/log?name=brain&maxlines=10&maxdaysbefore=3')).json()).toEqual({
      MaxLines: 5,
      MaxDaysBefore: 1,
      Logs: ['y1', 'y2', 'y3', 't1', 't2'],
    });
    // As Octopoda's strconv.Atoi: any integer; lines ≤ 0 are the tentacle's 30, days < 0 today's only.
    for (const query of ['', '&maxlines=0', '&maxlines=-5&maxdaysbefore=-2'])
      expect((await v1(`/node/log?name=logger-1${query}`)).json(), query).toMatchObject({ MaxLines: 30 });
  });

  it('v1: failures have an empty body (404 for a node it cannot read, 400 for bad arguments)', async () => {
    for (const [path, status] of [
      ['/node/log?name=nowhere', 404],
      ['/node/log', 400],
      ['/node/log?name=logger-1&maxlines=x', 400],
      ['/node/log?name=logger-1&maxdaysbefore=1.5', 400],
    ] as const) {
      const res = await v1(path);
      expect([res.status, res.text], path).toEqual([status, '']);
    }
  });
});

describe("the brain's logger", () => {
  it("writes its JSON lines also to today's daily file when logger.path is set", async () => {
    const dir = makeTempDir('octopod-brain-log-');
    try {
      const logger = createBrainLogger({ path: dir.path, namePrefix: 'brain', rollDays: 7, level: 'info' });
      logger.info({ taskId: 'task-1' }, 'dispatching task');
      const tail = await waitFor(async () => {
        const read = await readLogTail({ dir: dir.path, prefix: 'brain', maxLines: 5, maxDaysBefore: 0 });
        return read.lines.length > 0 ? read : undefined;
      });
      expect(JSON.parse(tail.lines[0])).toMatchObject({
        app: 'brain',
        taskId: 'task-1',
        msg: 'dispatching task',
      });
    } finally {
      dir.remove();
    }
  });
});
