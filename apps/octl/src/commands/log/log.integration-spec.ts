// `octl log get` against the in-memory brain: one node's lines as they are, several merged by time.
import { OctopodApiError, type NodeLogs } from '@octopod/sdk';
import { beforeEach, describe, expect, it } from 'vitest';
import { FakeFileBrain, octlWith, type Run } from '../file/fake-files.helper-spec';
import { taskFleet } from '../cmd/fake-tasks.helper-spec';
import type { LogApi } from './log-api';

const pino = (time: number, msg: string) => JSON.stringify({ level: 30, time, msg });

/** The task fleet (pi-1, pi-2 online; pi-3 unstable; pi-4 offline; lab = pi-2..pi-4), with logs. */
class FakeLogBrain extends FakeFileBrain implements LogApi {
  /** Each node's whole log, oldest first. */
  readonly logs = new Map<string, string[]>();
  /** Nodes whose log request fails with this error. */
  readonly failingLogs = new Map<string, OctopodApiError>();

  async nodeLogs(name: string, query: { lines?: number; days?: number } = {}): Promise<NodeLogs> {
    this.calls.push(`nodeLogs ${name} lines=${query.lines} days=${query.days}`);
    const failure = this.failingLogs.get(name);
    if (failure) throw failure;
    const node = this.nodes.find((n) => n.name === name);
    if (name !== 'brain' && node?.state !== 'online')
      throw new OctopodApiError(409, 'node_offline', `node ${name} is not connected`);
    const lines = this.logs.get(name) ?? [];
    return { node: name, oldestDay: query.days ?? 0, lines: lines.slice(-(query.lines || 30)) };
  }
}

let brain: FakeLogBrain;
beforeEach(() => {
  const base = taskFleet();
  brain = new FakeLogBrain(base.nodes, base.groups);
  brain.logs.set('brain', [pino(15, 'brain dispatching'), pino(35, 'brain done')]);
  brain.logs.set('pi-1', [pino(10, 'pi-1 start'), '  a stack line', pino(30, 'pi-1 end')]);
  brain.logs.set('pi-2', [pino(20, 'pi-2 start'), pino(40, 'pi-2 end')]);
});

const octl = (argv: string[], tty = true): Promise<Run> => octlWith(brain, argv, { tty });
const logCalls = () => brain.calls.filter((c) => c.startsWith('nodeLogs'));

describe('octl log get', () => {
  it("prints one node's lines as they are, 30 of today's by default", async () => {
    const run = await octl(['log', 'get', 'pi-1']);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toBe(`${brain.logs.get('pi-1')!.join('\n')}\n`);
    expect(logCalls()).toEqual(['nodeLogs pi-1 lines=30 days=0']);
  });

  it("reads the brain's own log with Octopoda's -l/-d (and --lines/--days), as JSON with -o json", async () => {
    const run = await octl(['log', 'get', 'brain', '-l', '1', '-d', '2', '-o', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ node: 'brain', oldestDay: 2, lines: [pino(35, 'brain done')] });
    await octl(['log', 'get', 'brain', '--lines=5', '--days', '1']);
    expect(logCalls()).toEqual(['nodeLogs brain lines=1 days=2', 'nodeLogs brain lines=5 days=1']);
  });

  it('merges a group and the brain by time, each line prefixed with its node; skips nodes not online', async () => {
    const run = await octl(['log', 'get', '@lab', 'pi-1', 'brain']);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toEqual([
      `[pi-1] ${pino(10, 'pi-1 start')}`,
      '[pi-1]   a stack line',
      `[brain] ${pino(15, 'brain dispatching')}`,
      `[pi-2] ${pino(20, 'pi-2 start')}`,
      `[pi-1] ${pino(30, 'pi-1 end')}`,
      `[brain] ${pino(35, 'brain done')}`,
      `[pi-2] ${pino(40, 'pi-2 end')}`,
      '',
    ]);
    expect(run.stderr).toBe('octl: skipped, not online: pi-3, pi-4\n');
    expect(brain.calls).toContain('resolveNodes @lab pi-1');
  });

  it("gives each node's tail as a list with -o json", async () => {
    const run = await octl(['log', 'get', '@lab', '-l', '1'], false);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([{ node: 'pi-2', oldestDay: 0, lines: [pino(40, 'pi-2 end')] }]);
  });

  it('shows what the others answered when one node fails, then names it (exit 1)', async () => {
    brain.failingLogs.set('pi-2', new OctopodApiError(404, 'no_logs', 'this node keeps no log files'));
    const run = await octl(['log', 'get', 'pi-1', 'pi-2']);
    expect(run.stdout.split('\n')[0]).toBe(`[pi-1] ${pino(10, 'pi-1 start')}`);
    expect(run.stderr).toBe('octl: no log from pi-2 (no_logs: this node keeps no log files)\n');
    expect(run.code).toBe(1);
  });

  it("reports the brain's refusal for one node, unknown targets, and bad counts", async () => {
    const offline = await octl(['log', 'get', 'pi-4']);
    expect([offline.code, offline.stderr]).toEqual([1, 'octl: node pi-4 is not connected\n']);
    const unknown = await octl(['log', 'get', 'pi-1', '@nope']);
    expect([unknown.code, unknown.stderr]).toEqual([
      1,
      'octl: node parse error: unknown nodes or groups: @nope\n',
    ]);
    const bad = await octl(['log', 'get', 'pi-1', '-l', 'many']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--lines must be a whole number');
    expect(logCalls()).toEqual(['nodeLogs pi-4 lines=30 days=0']);
  });
});
