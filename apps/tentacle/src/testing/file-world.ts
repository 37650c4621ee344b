import type { FilePush } from '@octopod/protocol';
import { makeTempDir } from '@octopod/testing';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { NodeFiles, type NodeFilesOptions } from '../files/node-files';
import { captureLogger } from './capture-logger';
import { RecordingTasks } from './memory-transfers';

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A tentacle's directories in a fresh temp dir, and a file service over them. */
export function fileWorld(prefix = 'files-') {
  const temp = makeTempDir(prefix);
  const dirs = {
    home: join(temp.path, 'home'),
    workspace: join(temp.path, 'workspace'),
    fstore: join(temp.path, 'FSTORE'),
    log: join(temp.path, 'log'),
    pakma: join(temp.path, 'pakma'),
    state: join(temp.path, 'workspace', '.octopod'),
    outside: join(temp.path, 'outside'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  const tasks = new RecordingTasks();
  const log = captureLogger();
  const files = (overrides: Partial<NodeFilesOptions> = {}) =>
    new NodeFiles({
      roots: { ...dirs, root: dirs.home },
      allowAbsolute: true,
      stateDir: dirs.state,
      tasks: tasks.asService(),
      logger: log.logger,
      ...overrides,
    });
  return { temp, dirs, tasks, log, files, remove: temp.remove };
}

let pushes = 0;

/** A push of `data` as Octopoda's upload would ask for it; override what the test is about. */
export function pushOf(data: Buffer, overrides: Partial<FilePush> = {}): FilePush {
  pushes++;
  return {
    invocationId: `push-${process.pid}-${pushes}`,
    taskId: `task-${pushes}`,
    transferId: randomUUID(),
    size: data.length,
    sha256: sha256(data),
    format: 'file',
    name: 'data.bin',
    target: '@fstore/in',
    force: true,
    mode: null,
    nodeapp: null,
    ...overrides,
  };
}
