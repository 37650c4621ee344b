import type { TaskAssign } from '@octopod/protocol';
import { makeTempDir } from '@octopod/testing';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TaskRunner, type ExecutingOptions } from '../exec/task-runner';

let counter = 0;

/** A command assignment with Octopoda's defaults; the id is unique per call unless given. */
export function assignment(overrides: Partial<TaskAssign> = {}): TaskAssign {
  counter++;
  return {
    invocationId: `inv-${process.pid}-${counter}`,
    taskId: `task-${counter}`,
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

export function scriptAssignment(
  name: string,
  body: string,
  overrides: Partial<TaskAssign> = {},
): TaskAssign {
  return assignment({
    kind: 'script',
    command: name,
    script: { name, contentBase64: Buffer.from(body).toString('base64') },
    ...overrides,
  });
}

/** A tentacle's directories in a fresh temp dir, and runners over them (a second one = a restart). */
export function runnerWorld(prefix = 'runner-') {
  const temp = makeTempDir(prefix);
  const dirs = {
    root: temp.path,
    workspace: join(temp.path, 'workspace'),
    store: join(temp.path, 'FSTORE'),
    log: join(temp.path, 'log'),
    state: join(temp.path, 'workspace', '.octopod'),
  };
  mkdirSync(dirs.workspace, { recursive: true });
  const runners: TaskRunner[] = [];
  const open = (overrides: Partial<ExecutingOptions> = {}) => {
    const runner = new TaskRunner({
      nodeName: 'pi-1',
      paths: { workspaceRoot: dirs.workspace, store: dirs.store, logPath: dirs.log, pakmaRoot: '/opt/pakma' },
      stateDir: dirs.state,
      baseEnv: { PATH: process.env.PATH, INHERITED: 'from-tentacle' },
      configEnv: [{ key: 'CONFIGURED', value: 'from-config' }],
      killGraceMs: 500,
      resultRetryMs: 100,
      ...overrides,
    });
    runners.push(runner);
    return runner;
  };
  const cleanup = async () => {
    await Promise.all(runners.map((runner) => runner.close()));
    temp.remove();
  };
  return { dirs, open, cleanup };
}

/** True while a process with this pid exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}
