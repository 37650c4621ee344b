// The brain's task API in memory, with the contract's shapes and errors. Unit tests call it directly (and through
// runOctl with `connect`); integration tests serve it over HTTPS with a real SSE stream.
import {
  OctopodApiError,
  type CreateTaskRequest,
  type Invocation,
  type ListTasksQuery,
  type StreamTaskEventsOptions,
  type TaskDetail,
  type TaskEvent,
  type TaskList,
} from '@octopod/sdk';
import { EventEmitter } from 'node:events';
import type { BrainApi } from '../../context';
import { FakeBrain, sampleFleet } from '../node/fake-brain.helper-spec';

/** How one node behaves for a task. */
export interface NodeScript {
  stdout?: string[];
  stderr?: string[];
  state?: 'success' | 'failed' | 'timed_out' | 'cancelled' | 'delivery_timed_out';
  exitCode?: number;
  error?: string;
  output?: string;
  pid?: number;
  /** Runs until the task is cancelled. */
  hang?: boolean;
  /** Refused by the tentacle: never accepted. */
  refuse?: boolean;
}

const T0 = Date.parse('2024-06-18T12:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const TERMINAL = new Set(['success', 'failed', 'timed_out', 'delivery_timed_out', 'cancelled']);

interface Stored {
  detail: TaskDetail;
  log: TaskEvent[];
  bus: EventEmitter;
}

export class FakeTaskBrain extends FakeBrain implements BrainApi {
  readonly created: CreateTaskRequest[] = [];
  private readonly tasks = new Map<string, Stored>();
  /** Behaviour per node; the default echoes `hi from <node>`. */
  script: (node: string, request: CreateTaskRequest) => NodeScript = (node) => ({
    stdout: [`hi from ${node}\n`],
  });
  /** The event stream fails as a brain without it would (404), so octl polls. */
  streamMissing = false;
  /** Emits `open` (task id) each time a client starts following a task's events. */
  readonly streams = new EventEmitter();
  private seq = 0;

  task(id: string): TaskDetail {
    const stored = this.tasks.get(id);
    if (!stored) throw new OctopodApiError(404, 'task_not_found', `no task ${id}`);
    return structuredClone(stored.detail);
  }

  /** Events so far (the replay a new stream starts with). */
  events(id: string): TaskEvent[] {
    this.task(id);
    return structuredClone(this.tasks.get(id)!.log);
  }

  subscribe(id: string, listener: (event: TaskEvent) => void): () => void {
    const bus = this.tasks.get(id)!.bus;
    bus.on('event', listener);
    return () => bus.off('event', listener);
  }

  async createTask(body: CreateTaskRequest): Promise<TaskDetail> {
    this.calls.push(`createTask ${body.targets.join(' ')}`);
    this.created.push(structuredClone(body));
    const resolved = await this.resolveNodes({ targets: body.targets });
    if (resolved.unknown.length)
      throw new OctopodApiError(
        422,
        'unknown_targets',
        `unknown nodes or groups: ${resolved.unknown.join(', ')}`,
      );
    const id = `task-${++this.seq}`;
    const nodes = [...resolved.online, ...resolved.unhealthy].sort();
    const invocations: Invocation[] = nodes.map((node, n) => ({
      id: `${id}-inv-${n + 1}`,
      node,
      state: 'pending',
      acceptedAt: null,
      startedAt: null,
      endedAt: null,
      exitCode: null,
      pid: null,
      stdout: '',
      stderr: '',
      output: '',
      error: null,
    }));
    const detail: TaskDetail = {
      id,
      kind: body.script ? 'script' : 'command',
      command: body.script ? body.script.name : (body.command ?? ''),
      targets: body.targets,
      state: 'running',
      createdAt: iso(T0 + this.seq * 1_000),
      doneAt: null,
      counts: {
        total: 0,
        pending: 0,
        delayed: 0,
        running: 0,
        success: 0,
        failed: 0,
        timedOut: 0,
        deliveryTimedOut: 0,
        cancelled: 0,
      },
      options: {
        background: body.background ?? false,
        delaySeconds: body.delaySeconds ?? 0,
        align: body.align ?? false,
        timeoutSeconds: body.timeoutSeconds ?? null,
        deliveryTimeoutSeconds: body.deliveryTimeoutSeconds ?? 60,
        maxConcurrency: body.maxConcurrency ?? null,
        maxErrors: body.maxErrors ?? null,
      },
      invocations,
    };
    const stored: Stored = { detail, log: [], bus: new EventEmitter() };
    this.tasks.set(id, stored);
    const created = structuredClone(detail);
    this.recount(stored);
    for (const invocation of detail.invocations)
      this.play(stored, invocation, this.script(invocation.node, body), body);
    this.closeIfDone(stored);
    return { ...created, counts: structuredClone(detail.counts) };
  }

  private emit(stored: Stored, event: TaskEvent): void {
    stored.log.push(structuredClone(event));
    stored.bus.emit('event', structuredClone(event));
  }

  private update(stored: Stored, invocation: Invocation, change: Partial<Invocation>): void {
    Object.assign(invocation, change);
    this.recount(stored);
    this.emit(stored, { type: 'invocation', invocation: structuredClone(invocation) });
  }

  private play(stored: Stored, invocation: Invocation, script: NodeScript, body: CreateTaskRequest): void {
    const at = T0 + 10 * (stored.log.length + 1);
    if (script.refuse) {
      return this.update(stored, invocation, {
        state: 'failed',
        endedAt: iso(at),
        error: script.error ?? 'align_refused',
      });
    }
    if (script.state === 'delivery_timed_out') {
      return this.update(stored, invocation, {
        state: 'delivery_timed_out',
        endedAt: iso(at),
        error: script.error ?? null,
      });
    }
    const delayed = (body.delaySeconds ?? 0) > 0;
    this.update(stored, invocation, {
      state: delayed ? 'pending' : 'running',
      acceptedAt: iso(at),
      startedAt: delayed ? null : iso(at),
      pid: script.pid ?? 4242,
    });
    if (delayed) return;
    for (const data of script.stdout ?? []) this.chunk(stored, invocation, 'stdout', data);
    for (const data of script.stderr ?? []) this.chunk(stored, invocation, 'stderr', data);
    if (script.hang) return;
    const state = script.state ?? 'success';
    this.update(stored, invocation, {
      state,
      endedAt: iso(at + 5),
      exitCode: script.exitCode ?? (state === 'success' ? 0 : state === 'failed' ? 1 : null),
      output: body.background ? String(script.pid ?? 4242) : (script.output ?? ''),
      error: script.error ?? (state === 'success' ? null : `exit status ${script.exitCode ?? 1}`),
    });
  }

  private chunk(stored: Stored, invocation: Invocation, stream: 'stdout' | 'stderr', data: string): void {
    invocation[stream] += data;
    this.emit(stored, {
      type: 'output',
      output: { invocationId: invocation.id, node: invocation.node, stream, data },
    });
  }

  private recount(stored: Stored): void {
    const c = stored.detail.counts;
    const states = stored.detail.invocations.map((i) => i.state);
    const n = (state: string): number => states.filter((s) => s === state).length;
    Object.assign(c, {
      total: states.length,
      pending: n('pending'),
      delayed: n('delayed'),
      running: n('running'),
      success: n('success'),
      failed: n('failed'),
      timedOut: n('timed_out'),
      deliveryTimedOut: n('delivery_timed_out'),
      cancelled: n('cancelled'),
    });
  }

  private closeIfDone(stored: Stored, state: 'done' | 'cancelled' = 'done'): void {
    if (!stored.detail.invocations.every((i) => TERMINAL.has(i.state))) return;
    stored.detail.state = state;
    stored.detail.doneAt = iso(Date.parse(stored.detail.createdAt) + 1_000);
    this.emit(stored, { type: 'done', task: structuredClone(stored.detail) });
  }

  async listTasks(query: ListTasksQuery = {}): Promise<TaskList> {
    this.calls.push(`listTasks ${JSON.stringify(query)}`);
    let items = [...this.tasks.values()].map((s) => s.detail).reverse();
    if (query.node) items = items.filter((t) => t.invocations.some((i) => i.node === query.node));
    if (query.state) items = items.filter((t) => t.state === query.state);
    if (query.before) items = items.filter((t) => t.createdAt < query.before!);
    const page = items.slice(0, Number(query.limit ?? 20));
    const nextBefore = items.length > page.length ? page[page.length - 1].createdAt : null;
    return { items: page.map(({ invocations: _i, ...task }) => structuredClone(task)), nextBefore };
  }

  async getTask(id: string): Promise<TaskDetail> {
    this.calls.push(`getTask ${id}`);
    return this.task(id);
  }

  /**
   * Like the brain: the task is cancelled at once, so are invocations not yet accepted; running ones end when
   * their node has killed the process (here: on the next turn of the event loop).
   */
  async cancelTask(id: string): Promise<TaskDetail> {
    this.calls.push(`cancelTask ${id}`);
    const stored = this.tasks.get(id);
    if (!stored) throw new OctopodApiError(404, 'task_not_found', `no task ${id}`);
    if (stored.detail.doneAt) return this.task(id);
    stored.detail.state = 'cancelled';
    const cancel = (invocation: Invocation): void =>
      this.update(stored, invocation, { state: 'cancelled', endedAt: iso(T0 + 900), error: 'Canceled' });
    const open = stored.detail.invocations.filter((i) => !TERMINAL.has(i.state));
    open.filter((i) => i.acceptedAt === null).forEach(cancel);
    const running = open.filter((i) => i.acceptedAt !== null);
    if (running.length === 0) this.closeIfDone(stored, 'cancelled');
    else
      setImmediate(() => {
        running.forEach(cancel);
        this.closeIfDone(stored, 'cancelled');
      });
    return this.task(id);
  }

  async streamTaskEvents(
    id: string,
    onEvent: (event: TaskEvent) => void,
    options: StreamTaskEventsOptions = {},
  ): Promise<TaskDetail> {
    this.calls.push(`streamTaskEvents ${id}`);
    if (this.streamMissing) throw new OctopodApiError(404, 'not_found', 'no route');
    const replay = this.events(id);
    return new Promise<TaskDetail>((resolve, reject) => {
      const aborted = (): void => {
        unsubscribe();
        reject(new OctopodApiError(0, 'aborted', 'aborted'));
      };
      const deliver = (event: TaskEvent): void => {
        onEvent(event);
        if (event.type === 'done') {
          unsubscribe();
          options.signal?.removeEventListener('abort', aborted);
          resolve(event.task);
        }
      };
      const unsubscribe = this.subscribe(id, deliver);
      if (options.signal?.aborted) return aborted();
      options.signal?.addEventListener('abort', aborted, { once: true });
      for (const event of replay) {
        deliver(event);
        if (event.type === 'done' || options.signal?.aborted) return;
      }
      this.streams.emit('open', id);
    });
  }
}

/** pi-1, pi-2 online; pi-3 unstable; pi-4 offline; group lab = pi-2..pi-4; plus online `many-01..NN`. */
export function taskFleet(extraOnline = 0): FakeTaskBrain {
  const base = sampleFleet();
  const brain = new FakeTaskBrain(base.nodes, base.groups);
  for (let i = 1; i <= extraOnline; i++) {
    const name = `many-${String(i).padStart(2, '0')}`;
    brain.nodes.push({ ...base.nodes.find((n) => n.name === 'pi-1')!, name });
  }
  if (extraOnline > 0)
    brain.groups.many = brain.nodes.filter((n) => n.name.startsWith('many-')).map((n) => n.name);
  return brain;
}
