import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminTarget, goRequest } from '../support/go-http';
import { startStack, type Stack } from '../support/stack';

/** `octl log get` against real processes: tentacles and the brain writing their daily log files. */
describe('octl log get', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ tentacles: ['plain-1'] });
    for (const name of ['log-1', 'log-2']) {
      const tentacle = await stack.startTentacle(name, {
        env: { TENTACLE_LOG_PATH: join(stack.dir, `logs-${name}`) },
      });
      await tentacle.ready();
      await stack.waitForNode(name, (node) => node.state === 'online');
    }
  });
  afterAll(() => stack?.stop());

  it("prints a node's last lines from its daily file", async () => {
    const res = await stack.octl(['log', 'get', 'log-1', '-l', '3', '-o', 'json']);
    expect(res.code, res.stderr).toBe(0);
    const { node, lines } = JSON.parse(res.stdout) as { node: string; lines: string[] };
    expect(node).toBe('log-1');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(3);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ name: 'log-1' });
  });

  it("merges several nodes' lines by time, each prefixed by its node", async () => {
    const res = await stack.octl(['log', 'get', 'log-1', 'log-2', '-l', '5', '-o', 'table']);
    expect(res.code, res.stderr).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines.every((line) => /^\[log-[12]\] \{/.test(line))).toBe(true);
    expect(new Set(lines.map((line) => line.slice(0, 7)))).toEqual(new Set(['[log-1]', '[log-2]']));
    const times = lines.map((line) => (JSON.parse(line.slice(8)) as { time: number }).time);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('says so when a node keeps no log files', async () => {
    const res = await stack.octl(['log', 'get', 'plain-1']);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/no log files|logger\.path/);
  });

  it("answers Octopoda's GET /node/log with LogParams, as its octl asks", async () => {
    const auth = { rootpath: '', currentpath: '', password: stack.rootPassword };
    const res = await goRequest(
      adminTarget(stack),
      'GET',
      '/api/v1/node/log?name=log-2&maxlines=2&maxdaysbefore=0',
      {
        auth,
      },
    );
    expect(res.status, res.body).toBe(200);
    const params = res.json() as { MaxLines: number; MaxDaysBefore: number; Logs: string[] };
    expect(params.MaxDaysBefore).toBe(0);
    expect(params.Logs.length).toBe(params.MaxLines);
    expect(params.MaxLines).toBeGreaterThan(0);
    expect(params.MaxLines).toBeLessThanOrEqual(2);
    expect(JSON.parse(params.Logs[0])).toMatchObject({ name: 'log-2' });
    const none = await goRequest(adminTarget(stack), 'GET', '/api/v1/node/log?name=plain-1', { auth });
    expect([none.status, none.body]).toEqual([404, '']);
  });
});
