import type { MessageEvent } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import type { Invocation } from '../../generated/prisma/client';
import { TaskEventsService } from './task-events.service';
import { TaskStreamService } from './task-stream.service';
import type { OutputChunk, TasksRepository, TaskWithInvocations } from './tasks.repository';

const at = new Date('2026-11-23T10:00:00Z');
const invocation: Invocation = {
  id: 'inv-1',
  taskId: 'task-1',
  node: 'n1',
  state: 'running',
  exitCode: null,
  pid: 7,
  stdout: '',
  stderr: '',
  output: '',
  error: null,
  deliverBy: null,
  acceptedAt: at,
  startedAt: at,
  endedAt: null,
  createdAt: at,
  updatedAt: at,
};
const task: TaskWithInvocations = {
  id: 'task-1',
  kind: 'command',
  command: 'work',
  scriptName: null,
  scriptContent: null,
  targets: ['n1'],
  options: { env: {}, loadedOnAccept: false },
  state: 'running',
  createdBy: null,
  workgroup: '',
  v1Delivered: false,
  createdAt: at,
  doneAt: null,
  invocations: [invocation],
};

describe('TaskStreamService', () => {
  it('sends a chunk stored during the replay once, and finishes with the rows it sent', async () => {
    const events = new TaskEventsService();
    let releaseOutput: (chunks: OutputChunk[]) => void = () => undefined;
    const repository = {
      find: async () => task,
      outputOfTask: () => new Promise<OutputChunk[]>((resolve) => (releaseOutput = resolve)),
    } as unknown as TasksRepository;
    const sent: MessageEvent[] = [];
    const completed = new Promise<void>((resolve) =>
      new TaskStreamService(repository, events).stream(task).subscribe({
        next: (event) => sent.push(event),
        complete: resolve,
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    const chunk = { invocationId: 'inv-1', stream: 'stdout', offset: 0, data: 'hello\n' };
    // Live while the replay reads: the same chunk it is about to read, then a newer one.
    events.emit('task-1', { type: 'output', node: 'n1', ...chunk });
    events.emit('task-1', { type: 'output', node: 'n1', ...chunk, offset: 6, data: 'more\n' });
    releaseOutput([chunk]);
    await new Promise((resolve) => setImmediate(resolve));
    const ended = { ...invocation, state: 'success' as const, exitCode: 0, endedAt: at };
    events.emit('task-1', { type: 'invocation', invocation: ended });
    events.emit('task-1', { type: 'done', taskId: 'task-1', state: 'done', doneAt: at });
    await completed;

    const outputs = sent.filter((e) => e.type === 'output').map((e) => (e.data as { data: string }).data);
    expect(outputs).toEqual(['hello\n', 'more\n']);
    const done = sent.at(-1) as MessageEvent;
    expect(done.type).toBe('done');
    expect(done.data).toMatchObject({
      state: 'done',
      doneAt: at.toISOString(),
      counts: { total: 1, success: 1 },
      invocations: [{ id: 'inv-1', state: 'success', exitCode: 0 }],
    });
  });
});
