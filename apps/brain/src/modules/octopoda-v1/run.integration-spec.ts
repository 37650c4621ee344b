import { waitFor } from '@octopod/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_PASSWORD, startTestBrain, type TestBrain } from '../../../test/brain-harness';

const BOUNDARY = 'octopod-test-boundary';

/** A multipart body as Go's mime/multipart writes Octopoda's forms. */
function multipart(
  fields: Record<string, string>,
  file?: { field: string; name: string; content: string },
): string {
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  if (file) {
    parts.push(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\n` +
        `Content-Type: application/octet-stream\r\n\r\n${file.content}\r\n`,
    );
  }
  return `${parts.join('')}--${BOUNDARY}--\r\n`;
}

describe('Octopoda run routes (real HTTPS, Postgres, BullMQ, fake tentacles)', () => {
  let t: TestBrain;
  const headers = { rootpath: '', currentpath: '', password: ROOT_PASSWORD };
  const post = (path: string, body: string) =>
    t.api(`/api/v1${path}`, {
      method: 'POST',
      rawBody: body,
      headers: { ...headers, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    });
  const taskState = (id: string) => t.api(`/api/v1/taskstate?taskid=${id}`, { headers });
  const results = async (id: string) => {
    const res = await waitFor(
      async () => {
        const r = await taskState(id);
        return r.status === 200 ? r : undefined;
      },
      { what: 'taskstate 200' },
    );
    return res.json() as Array<Record<string, unknown>>;
  };

  beforeAll(async () => {
    t = await startTestBrain();
    for (const name of ['r1', 'r2', 'r3']) t.pki.client(name);
    await t.tentacle('r1').join();
    await t
      .tentacle('r2', {
        execute: (a) =>
          a.command === 'false'
            ? { state: 'failed', exitCode: 1, stdout: '', stderr: 'nope\n', error: 'exit status 1' }
            : {},
      })
      .join();
    await t
      .tentacle('r3', {
        execute: (a) =>
          a.command.startsWith('sleep') ? 'hold' : { output: a.script ? 'script says hi' : '' },
      })
      .join();
  });
  afterAll(() => t.stop());

  it('POST /run/cmd answers 202 with the bare task id; /taskstate answers once, then []', async () => {
    const res = await post(
      '/run/cmd',
      multipart({ command: 'echo hi', delayTime: '-1', needAlign: 'false', targetNodes: '["r1","r2"]' }),
    );
    expect(res.status).toBe(202);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/^[0-9a-f-]{36}$/);
    const list = await results(res.text);
    expect(list.map((r) => r.Name).sort()).toEqual(['r1', 'r2']);
    expect(list.find((r) => r.Name === 'r1')).toEqual({
      Name: 'r1',
      Code: 0,
      CommunicationErrorMsg: '',
      ProcessErrorMsg: '',
      Result: 'ran: echo hi\n',
      ResultCompatible: '',
    });
    const again = await taskState(res.text);
    expect([again.status, again.json()]).toEqual([200, []]);
  });

  it('reports a failing command as a process error with stderr as the result', async () => {
    const res = await post(
      '/run/cmd',
      multipart({ command: 'false', delayTime: '-1', targetNodes: '["r2"]' }),
    );
    expect((await results(res.text))[0]).toMatchObject({
      Name: 'r2',
      Code: 2,
      ProcessErrorMsg: 'exit status 1',
      Result: 'nope\n',
    });
  });

  it('answers 202 TaskProcessing while running, and cancel ends it as Canceled', async () => {
    const res = await post(
      '/run/cmd',
      multipart({ command: 'sleep 30', delayTime: '-1', targetNodes: '["r3"]' }),
    );
    const busy = await taskState(res.text);
    expect(busy.status).toBe(202);
    expect(busy.json()).toEqual({
      Rcode: 0,
      Rmsg: 'TaskProcessing',
      Output: '',
      Version: '',
      Modified: false,
    });
    const cancel = await post('/run/cancel', multipart({ taskid: res.text }));
    expect([cancel.status, cancel.text]).toEqual([200, '']);
    expect((await results(res.text))[0]).toMatchObject({ Name: 'r3', Code: 2, ProcessErrorMsg: 'Canceled' });
  });

  it('xrun (delayTime ≥ 0) answers "loaded" once every node accepted; background answers the PID', async () => {
    const xrun = await post(
      '/run/cmd',
      multipart({ command: 'date', delayTime: '3', targetNodes: '["r1"]' }),
    );
    expect((await results(xrun.text))[0]).toMatchObject({ Name: 'r1', Code: 0, Result: 'loaded' });
    const bg = await post(
      '/run/cmd',
      multipart({ command: 'sleep 1', background: 'true', delayTime: '-1', targetNodes: '["r1"]' }),
    );
    expect((await results(bg.text))[0]).toMatchObject({ Name: 'r1', Code: 0, Result: '4242' });
  });

  it('POST /run/script answers the script output', async () => {
    const res = await post(
      '/run/script',
      multipart(
        { delayTime: '-1', needAlign: 'false', targetNodes: '["r3"]' },
        { field: 'script', name: 'probe.sh', content: 'echo hi >> $OCTOPODA_OUTPUT\n' },
      ),
    );
    expect(res.status).toBe(202);
    expect((await results(res.text))[0]).toMatchObject({ Name: 'r3', Code: 0, Result: 'script says hi' });
  });

  it('refuses bad arguments and out-of-scope nodes with Octopoda Result bodies', async () => {
    const missing = await post('/run/cmd', multipart({ delayTime: '-1', targetNodes: '["r1"]' }));
    expect([missing.status, missing.json()]).toEqual([
      400,
      { Rcode: 0, Rmsg: 'ERORR: arguments', Output: '', Version: '', Modified: false },
    ]);
    const scope = await post(
      '/run/cmd',
      multipart({ command: 'x', delayTime: '-1', targetNodes: '["r1","ghost"]' }),
    );
    expect([scope.status, (scope.json() as { Rmsg: string }).Rmsg]).toEqual([
      400,
      'ERROR: some nodes are invalid or out of scope.',
    ]);
    const noScript = await post('/run/script', multipart({ delayTime: '-1', targetNodes: '["r1"]' }));
    expect(noScript.status).toBe(400);
    const noId = await t.api('/api/v1/taskstate', { headers });
    expect([noId.status, (noId.json() as { Rmsg: string }).Rmsg]).toEqual([400, 'Wrong Args']);
    const unknown = await taskState('00000000-0000-0000-0000-000000000000');
    expect([unknown.status, unknown.json()]).toEqual([200, []]);
  });
});
