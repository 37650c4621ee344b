import { OctopodApiError } from './errors';
import type { StreamOptions } from './https-transport';
import { SseParser, type SseMessage } from './sse-parser';
import type { Invocation, TaskDetail } from './generated/api';

/** A chunk of a node's stdout or stderr, as the brain relays it. */
export interface TaskOutputChunk {
  invocationId: string;
  node: string;
  stream: 'stdout' | 'stderr';
  data: string;
}

/** A file transfer moved on: `bytes` of `total` confirmed by the receiving side (throttled, a few a second). */
export interface TransferProgress {
  invocationId: string;
  node: string;
  bytes: number;
  total: number;
}

/** What `GET /api/v2/tasks/{id}/events` carries: a replay of what is known, then live changes, then `done`. */
export type TaskEvent =
  | { type: 'invocation'; invocation: Invocation }
  | { type: 'output'; output: TaskOutputChunk }
  | { type: 'progress'; progress: TransferProgress }
  | { type: 'done'; task: TaskDetail };

const EVENT_NAMES: ReadonlySet<string> = new Set<TaskEvent['type']>([
  'invocation',
  'output',
  'progress',
  'done',
]);

export interface StreamTaskEventsOptions {
  /** Stops listening: the promise rejects with code `aborted` (the task itself goes on). */
  signal?: AbortSignal;
}

/** The part of the transport the event stream needs (tests pass fakes). */
export interface EventStreamTransport {
  stream(path: string, options: StreamOptions): Promise<void>;
}

/**
 * Output already delivered, so the replay after a reconnect does not deliver it twice. The brain replays every
 * stored chunk of a stream in order, so the first `n` characters of each stream after a reconnect are the `n`
 * already seen.
 */
export class ReplayFilter {
  private readonly delivered = new Map<string, number>();
  private skipping = new Map<string, number>();

  /** Call before reading a new connection. */
  reconnect(): void {
    this.skipping = new Map(this.delivered);
  }

  /** The part of `chunk` not delivered yet, or undefined when it was all seen. */
  pass(chunk: TaskOutputChunk): TaskOutputChunk | undefined {
    const key = `${chunk.invocationId}\u0000${chunk.stream}`;
    const skip = this.skipping.get(key) ?? 0;
    let data = chunk.data;
    if (skip > 0) {
      if (skip >= data.length) {
        this.skipping.set(key, skip - data.length);
        return undefined;
      }
      data = data.slice(skip);
      this.skipping.delete(key);
    }
    this.delivered.set(key, (this.delivered.get(key) ?? 0) + data.length);
    return data === chunk.data ? chunk : { ...chunk, data };
  }
}

function decode(message: SseMessage, taskId: string): TaskEvent | undefined {
  if (!EVENT_NAMES.has(message.event)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(message.data);
  } catch (error) {
    throw new OctopodApiError(
      0,
      'bad_response',
      `invalid JSON in the "${message.event}" event of task ${taskId}`,
      { cause: error },
    );
  }
  if (message.event === 'invocation') return { type: 'invocation', invocation: value as Invocation };
  if (message.event === 'output') return { type: 'output', output: value as TaskOutputChunk };
  if (message.event === 'progress') return { type: 'progress', progress: value as TransferProgress };
  return { type: 'done', task: value as TaskDetail };
}

/**
 * Follows a task's event stream, calling `onEvent` for each event, and resolves with the final `TaskDetail` of
 * the `done` event. A connection that drops (or ends without `done`) is reopened once; output replayed on the
 * new connection is not delivered again. An exception thrown by `onEvent` stops the stream and rejects.
 */
export async function streamTaskEvents(
  transport: EventStreamTransport,
  taskId: string,
  onEvent: (event: TaskEvent) => void,
  options: StreamTaskEventsOptions = {},
): Promise<TaskDetail> {
  const path = `/api/v2/tasks/${encodeURIComponent(taskId)}/events`;
  const filter = new ReplayFilter();
  for (let attempt = 0; ; attempt++) {
    const parser = new SseParser();
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    let done: TaskDetail | undefined;
    let failure: { error: unknown } | undefined;
    const onText = (text: string): void => {
      if (done || failure) return;
      try {
        for (const message of parser.push(text)) {
          const event = decode(message, taskId);
          if (!event) continue;
          if (event.type === 'output') {
            const output = filter.pass(event.output);
            if (output) onEvent({ type: 'output', output });
            continue;
          }
          onEvent(event);
          if (event.type === 'done') {
            done = event.task;
            break;
          }
        }
      } catch (error) {
        failure = { error };
      }
      if (done || failure) stop.abort();
    };
    try {
      await transport.stream(path, { signal, onText });
    } catch (error) {
      if (failure) throw failure.error;
      if (done) return done;
      const dropped = error instanceof OctopodApiError && error.code === 'connection_dropped';
      if (!dropped || attempt > 0) throw error;
      filter.reconnect();
      continue;
    }
    if (failure) throw failure.error;
    if (done) return done;
    if (attempt > 0) {
      throw new OctopodApiError(
        0,
        'connection_dropped',
        `the event stream of task ${taskId} ended twice before the task was done`,
      );
    }
    filter.reconnect();
  }
}
