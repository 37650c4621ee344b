import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { OctopodApiError } from './errors';
import { nodeFileContent, uploadBlob } from './files';
import type { RawRequest, RawResponse, StreamOptions } from './https-transport';
import { streamTaskEvents, type TaskEvent } from './task-events';
import type { TaskDetail } from './generated/api';

const answer = (headers: RawResponse['headers'], body: string | Buffer = ''): RawResponse => ({
  status: 200,
  headers,
  body: Readable.from([Buffer.from(body)]),
});

describe('task events: progress', () => {
  it('decodes progress events between invocation changes', async () => {
    const progress = { invocationId: 'i-1', node: 'pi-1', bytes: 512, total: 1024 };
    const done = { id: 't-1', state: 'done', invocations: [] } as unknown as TaskDetail;
    const text = [
      `event: progress\ndata: ${JSON.stringify(progress)}\n\n`,
      `event: progress\ndata: ${JSON.stringify({ ...progress, bytes: 1024 })}\n\n`,
      `event: done\ndata: ${JSON.stringify(done)}\n\n`,
    ].join('');
    const events: TaskEvent[] = [];
    const transport = {
      async stream(_path: string, options: StreamOptions): Promise<void> {
        options.onText(text);
      },
    };
    await streamTaskEvents(transport, 't-1', (e) => events.push(e));
    expect(events).toEqual([
      { type: 'progress', progress },
      { type: 'progress', progress: { ...progress, bytes: 1024 } },
      { type: 'done', task: done },
    ]);
  });
});

describe('uploadBlob', () => {
  it('refuses a brain answer that does not match what was sent', async () => {
    const transport = {
      async raw(request: RawRequest): Promise<RawResponse> {
        request.body?.stream.resume();
        return answer({}, JSON.stringify({ sha256: 'a'.repeat(64), size: 3 }));
      },
    };
    const error = await uploadBlob(transport, Readable.from([Buffer.from('hello')]), 5).catch((e) => e);
    expect(error).toBeInstanceOf(OctopodApiError);
    expect(error.code).toBe('bad_response');
  });

  it('refuses a bad size or sha256 before sending anything', async () => {
    const sent: RawRequest[] = [];
    const transport = { raw: async (request: RawRequest) => (sent.push(request), answer({})) };
    await expect(uploadBlob(transport, Readable.from([]), -1)).rejects.toThrow('not a byte count: -1');
    await expect(uploadBlob(transport, Readable.from([]), 0, { sha256: 'ABC' })).rejects.toThrow(
      'not a sha256',
    );
    expect(sent).toEqual([]);
  });
});

describe('nodeFileContent', () => {
  it('refuses an answer that does not say what it holds, and releases its body', async () => {
    const response = answer({ 'content-length': '3' }, 'abc');
    const error = await nodeFileContent({ raw: async () => response }, 'pi-1', '/x').catch((e) => e);
    expect(error).toMatchObject({ code: 'bad_response' });
    expect(response.body.destroyed).toBe(true);
  });

  it('leaves the mode null and the size NaN when the brain does not give them', async () => {
    const content = await nodeFileContent(
      { raw: async () => answer({ 'x-octopod-type': 'file', 'x-octopod-name': 'a%25b' }) },
      'pi-1',
      'a%b',
    );
    expect(content).toMatchObject({ type: 'file', name: 'a%b', mode: null, size: NaN });
  });
});
