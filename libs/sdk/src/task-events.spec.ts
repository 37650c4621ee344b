import { describe, expect, it } from 'vitest';
import { OctopodApiError } from './errors';
import type { StreamOptions } from './https-transport';
import { ReplayFilter, streamTaskEvents, type TaskEvent, type TaskOutputChunk } from './task-events';
import type { Invocation, TaskDetail } from './generated/api';

const invocation = { id: 'i-1', node: 'pi-1', state: 'running' } as Invocation;
const detail = { id: 't-1', state: 'done', invocations: [] } as unknown as TaskDetail;

const sse = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
const out = (data: string, stream: 'stdout' | 'stderr' = 'stdout'): TaskOutputChunk => ({
  invocationId: 'i-1',
  node: 'pi-1',
  stream,
  data,
});

type Connection = { texts: string[]; then: 'end' | 'drop' | 'hang' | OctopodApiError };

/** Plays one scripted connection per call to `stream`. */
function scripted(connections: Connection[]) {
  const paths: string[] = [];
  let aborts = 0;
  return {
    paths,
    aborts: () => aborts,
    async stream(path: string, options: StreamOptions): Promise<void> {
      paths.push(path);
      const connection = connections.shift();
      if (!connection) throw new OctopodApiError(0, 'unreachable', 'no more connections');
      for (const text of connection.texts) {
        if (options.signal?.aborted) break;
        options.onText(text);
      }
      if (options.signal?.aborted) {
        aborts++;
        throw new OctopodApiError(0, 'aborted', 'aborted');
      }
      if (connection.then === 'end') return;
      if (connection.then === 'drop') throw new OctopodApiError(0, 'connection_dropped', 'broke');
      if (connection.then === 'hang') {
        await new Promise<void>((resolve) => options.signal?.addEventListener('abort', () => resolve()));
        aborts++;
        throw new OctopodApiError(0, 'aborted', 'aborted');
      }
      throw connection.then;
    },
  };
}

async function follow(transport: ReturnType<typeof scripted>, signal?: AbortSignal) {
  const events: TaskEvent[] = [];
  const result: { task?: TaskDetail; error?: OctopodApiError } = await streamTaskEvents(
    transport,
    't/1',
    (e) => events.push(e),
    { signal },
  ).then(
    (task) => ({ task }),
    (error: unknown) => ({ error: error as OctopodApiError }),
  );
  return { events, task: result.task, error: result.error as OctopodApiError };
}

describe('streamTaskEvents', () => {
  it('delivers invocation and output events, ignores unknown ones, and resolves at done without waiting for the end', async () => {
    const transport = scripted([
      {
        texts: [
          sse('invocation', invocation),
          sse('ping', {}),
          sse('output', out('hi\n')),
          sse('done', detail),
        ],
        then: 'hang',
      },
    ]);
    const { events, task } = await follow(transport);
    expect(task).toEqual(detail);
    expect(events.map((e) => e.type)).toEqual(['invocation', 'output', 'done']);
    expect(events[1]).toEqual({ type: 'output', output: out('hi\n') });
    expect(transport.paths).toEqual(['/api/v2/tasks/t%2F1/events']);
    expect(transport.aborts()).toBe(1);
  });

  it('reconnects once after a drop and does not deliver replayed output twice', async () => {
    const transport = scripted([
      { texts: [sse('output', out('abc')), sse('output', out('de', 'stderr'))], then: 'drop' },
      {
        texts: [
          sse('invocation', invocation),
          sse('output', out('ab')),
          sse('output', out('cdef')),
          sse('output', out('de', 'stderr')),
          sse('output', out('!', 'stderr')),
          sse('done', detail),
        ],
        then: 'end',
      },
    ]);
    const { events, task } = await follow(transport);
    expect(task).toEqual(detail);
    const text = events.flatMap((e) => (e.type === 'output' ? [`${e.output.stream}:${e.output.data}`] : []));
    expect(text).toEqual(['stdout:abc', 'stderr:de', 'stdout:def', 'stderr:!']);
    expect(transport.paths).toHaveLength(2);
  });

  it('treats a stream that ends without done as a drop, and gives up the second time', async () => {
    const transport = scripted([
      { texts: [sse('output', out('x'))], then: 'end' },
      { texts: [], then: 'drop' },
    ]);
    const { error } = await follow(transport);
    expect(error.code).toBe('connection_dropped');
    expect(transport.paths).toHaveLength(2);
    const twice = await follow(
      scripted([
        { texts: [], then: 'end' },
        { texts: [], then: 'end' },
      ]),
    );
    expect(twice.error.message).toBe('the event stream of task t/1 ended twice before the task was done');
  });

  it('does not reconnect after errors that are not drops', async () => {
    const notFound = new OctopodApiError(404, 'task_not_found', 'no task t/1');
    const transport = scripted([{ texts: [], then: notFound }]);
    expect((await follow(transport)).error).toBe(notFound);
    expect(transport.paths).toHaveLength(1);
  });

  it('stops on bad JSON and when the listener throws', async () => {
    const bad = await follow(scripted([{ texts: ['event: done\ndata: {nope\n\n'], then: 'hang' }]));
    expect([bad.error.code, bad.error.message]).toEqual([
      'bad_response',
      'invalid JSON in the "done" event of task t/1',
    ]);
    const boom = new Error('listener failed');
    const transport = scripted([
      { texts: [sse('invocation', invocation), sse('done', detail)], then: 'hang' },
    ]);
    const result = await streamTaskEvents(transport, 't', () => {
      throw boom;
    }).catch((e: unknown) => e);
    expect(result).toBe(boom);
  });

  it("passes the caller's abort on, without reconnecting", async () => {
    const controller = new AbortController();
    const transport = scripted([{ texts: [sse('invocation', invocation)], then: 'hang' }]);
    const pending = follow(transport, controller.signal);
    controller.abort();
    const { error, events } = await pending;
    expect(error.code).toBe('aborted');
    expect(events).toHaveLength(1);
    expect(transport.paths).toHaveLength(1);
  });
});

describe('ReplayFilter', () => {
  it('counts per invocation and stream', () => {
    const filter = new ReplayFilter();
    expect(filter.pass(out('hello'))?.data).toBe('hello');
    expect(filter.pass({ ...out('x'), invocationId: 'i-2' })?.data).toBe('x');
    filter.reconnect();
    expect(filter.pass(out('hel'))).toBeUndefined();
    expect(filter.pass(out('lo, world'))?.data).toBe(', world');
    expect(filter.pass({ ...out('xy'), invocationId: 'i-2' })?.data).toBe('y');
    expect(filter.pass(out('more'))?.data).toBe('more');
  });
});
