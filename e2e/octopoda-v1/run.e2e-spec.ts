import { waitFor } from '@octopod/testing';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminTarget, goRequest, type OctopodaAuth, type RawResponse } from '../support/go-http';
import { startStack, type Stack } from '../support/stack';

/** Octopoda's ExecutionResult (protocols/result.go), field order as Go marshals it. */
const EXECUTION_RESULT_KEYS = [
  'Name',
  'Code',
  'CommunicationErrorMsg',
  'ProcessErrorMsg',
  'Result',
  'ResultCompatible',
];
interface ExecutionResult {
  Name: string;
  Code: 0 | 1 | 2;
  CommunicationErrorMsg: string;
  ProcessErrorMsg: string;
  Result: string;
  ResultCompatible: string;
}
const PROCESSING = { Rcode: 0, Rmsg: 'TaskProcessing', Output: '', Version: '', Modified: false };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Octopoda's octl polls /taskstate after these pauses, then every 960 ms (reference spec §1.8). */
const POLL_PAUSES_MS = [30, 60, 120, 240, 480, 960];

/**
 * A body as Go's mime/multipart Writer produces it for octl's run forms (octl/shell/run.go): WriteField for each
 * field in order, CreateFormFile for the script, a random 60-hex-digit boundary.
 */
function goMultipart(
  fields: Array<[string, string]>,
  file?: { field: string; name: string; content: string },
): { body: string; contentType: string } {
  const boundary = randomBytes(30).toString('hex');
  const parts = fields.map(
    ([name, value]) => `Content-Disposition: form-data; name="${name}"\r\n\r\n${value}`,
  );
  if (file) {
    parts.push(
      `Content-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\n` +
        `Content-Type: application/octet-stream\r\n\r\n${file.content}`,
    );
  }
  const body = `--${boundary}\r\n${parts.join(`\r\n--${boundary}\r\n`)}\r\n--${boundary}--\r\n`;
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** octl's `cmd run` / `cmd xrun` form: command, [background], delayTime (-1 = now), needAlign, targetNodes. */
function runCmdForm(
  command: string,
  nodes: string[],
  options: { delay?: number; background?: boolean } = {},
) {
  const fields: Array<[string, string]> = [['command', command]];
  if (options.background) fields.push(['background', 'true']);
  fields.push(
    ['delayTime', String(options.delay ?? -1)],
    ['needAlign', 'false'],
    ['targetNodes', JSON.stringify(nodes)],
  );
  return goMultipart(fields);
}

/** Contract tests for Octopoda's run API through the real stack, requests as Octopoda's Go octl sends them. */
describe('Octopoda /api/v1 face: run/cmd, run/script, run/cancel and /taskstate', () => {
  let stack: Stack;
  let auth: OctopodaAuth;
  const brain = () => adminTarget(stack);
  const post = (target: string, form: { body: string; contentType: string }) =>
    goRequest(brain(), 'POST', `/api/v1${target}`, { auth, ...form });
  const taskState = (id: string) => goRequest(brain(), 'GET', `/api/v1/taskstate?taskid=${id}`, { auth });

  /** POSTs a run form and returns the bare task id of the 202 answer. */
  const start = async (target: string, form: { body: string; contentType: string }) => {
    const res = await post(target, form);
    expect(res.status, res.body).toBe(202);
    expect(res.body).toMatch(UUID);
    return res.body;
  };

  /**
   * Polls /taskstate until it stops answering 202 (by default with the pauses of Octopoda's octl); returns every
   * answer seen.
   */
  const poll = async (id: string, pauses = POLL_PAUSES_MS, timeoutMs = 20_000) => {
    const answers: RawResponse[] = [];
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      const res = await taskState(id);
      answers.push(res);
      if (res.status !== 202) return answers;
      if (Date.now() > deadline) throw new Error(`task ${id} still TaskProcessing after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, pauses[Math.min(attempt, pauses.length - 1)]));
    }
  };
  /** The one 200 answer of a task, checked to be an ExecutionResult array. */
  const results = async (id: string, pauses = POLL_PAUSES_MS) => {
    const final = (await poll(id, pauses)).at(-1) as RawResponse;
    expect(final.status, final.body).toBe(200);
    const list = final.json() as ExecutionResult[];
    for (const r of list) expect(Object.keys(r)).toEqual(EXECUTION_RESULT_KEYS);
    return list;
  };
  const v2Invocation = async (id: string, node: string) => {
    const res = await stack.api<{ invocations: Array<{ node: string; state: string; stdout: string }> }>(
      `/api/v2/tasks/${id}`,
    );
    return res.body.invocations.find((i) => i.node === node);
  };

  beforeAll(async () => {
    stack = await startStack({ tentacles: ['g1', 'g2', 'g3'] });
    auth = { rootpath: '', currentpath: '', password: stack.rootPassword };
    for (const name of ['g1', 'g2', 'g3']) await stack.waitForNode(name, (n) => n.state === 'online');
  });
  afterAll(() => stack?.stop());

  it('run/cmd: 202 + bare id; taskstate 202 TaskProcessing while it runs, then the results once, then []', async () => {
    const posted = await post(
      '/run/cmd',
      runCmdForm('[ "$OCTOPODA_NODENAME" = g1 ] && sleep 2; echo "hi from $OCTOPODA_NODENAME"', ['g1', 'g2']),
    );
    expect(posted.status).toBe(202);
    expect(posted.headers['content-type']).toMatch(/^text\/plain/);
    expect(posted.body).toMatch(UUID);

    const answers = await poll(posted.body);
    const processing = answers.slice(0, -1);
    // g1 sleeps 2 s: the first answers (at least the immediate one) say TaskProcessing.
    expect(processing.length).toBeGreaterThan(0);
    for (const busy of processing) expect([busy.status, busy.json()]).toEqual([202, PROCESSING]);
    const done = answers.at(-1) as RawResponse;
    expect(done.status).toBe(200);
    // Completion order, as Octopoda lists them: g2 answered first, g1 after its sleep.
    expect(done.json()).toEqual([
      {
        Name: 'g2',
        Code: 0,
        CommunicationErrorMsg: '',
        ProcessErrorMsg: '',
        Result: 'hi from g2\n',
        ResultCompatible: '',
      },
      {
        Name: 'g1',
        Code: 0,
        CommunicationErrorMsg: '',
        ProcessErrorMsg: '',
        Result: 'hi from g1\n',
        ResultCompatible: '',
      },
    ]);
    const again = await taskState(posted.body);
    expect([again.status, again.json()]).toEqual([200, []]);
  });

  it('a failing command is Code 2 with the exit status as ProcessErrorMsg and stderr as Result', async () => {
    const id = await start(
      '/run/cmd',
      runCmdForm('[ "$OCTOPODA_NODENAME" = g2 ] && { echo bad >&2; exit 3; } || echo ok', ['g1', 'g2']),
    );
    const list = await results(id);
    expect(list.find((r) => r.Name === 'g1')).toMatchObject({ Code: 0, ProcessErrorMsg: '', Result: 'ok\n' });
    expect(list.find((r) => r.Name === 'g2')).toMatchObject({
      Code: 2,
      CommunicationErrorMsg: '',
      ProcessErrorMsg: 'exit status 3',
      Result: 'bad\n',
    });
  });

  it('background=true answers the PID of the started process', async () => {
    const id = await start('/run/cmd', runCmdForm('sleep 1', ['g1'], { background: true }));
    const [only] = await results(id);
    expect(only).toMatchObject({ Name: 'g1', Code: 0, ProcessErrorMsg: '' });
    expect(only?.Result).toMatch(/^[1-9]\d*$/);
  });

  it('run/script (multipart file "script") answers what the script appended to $OCTOPODA_OUTPUT', async () => {
    const form = goMultipart(
      [
        ['delayTime', '-1'],
        ['needAlign', 'false'],
        ['targetNodes', '["g1","g2"]'],
      ],
      {
        field: 'script',
        name: 'collect.sh',
        content:
          'echo "stdout is discarded"\necho "$OCTOPODA_FILENAME on $OCTOPODA_NODENAME" >> "$OCTOPODA_OUTPUT"\n',
      },
    );
    const list = await results(await start('/run/script', form));
    expect(list.map((r) => [r.Name, r.Code, r.Result]).sort()).toEqual([
      ['g1', 0, 'collect.sh on g1\n'],
      ['g2', 0, 'collect.sh on g2\n'],
    ]);
  });

  it('run/cancel (url-encoded taskid, as octl on Ctrl-C) ends a running command as ProcessError "Canceled"', async () => {
    const marker = join(stack.tentacles.get('g1')?.workspace as string, 'v1-cancel-marker');
    const id = await start('/run/cmd', runCmdForm(`sleep 30; touch ${marker}`, ['g1']));
    await waitFor(async () => (await v2Invocation(id, 'g1'))?.state === 'running', {
      what: 'the command running on g1',
    });
    expect((await taskState(id)).status).toBe(202);
    const cancel = await goRequest(brain(), 'POST', '/api/v1/run/cancel', {
      auth,
      body: `taskid=${id}`,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect([cancel.status, cancel.body]).toEqual([200, '']);
    expect(await results(id)).toEqual([
      {
        Name: 'g1',
        Code: 2,
        CommunicationErrorMsg: '',
        ProcessErrorMsg: 'Canceled',
        Result: '',
        ResultCompatible: '',
      },
    ]);
    expect((await v2Invocation(id, 'g1'))?.state).toBe('cancelled');
    expect(existsSync(marker)).toBe(false);
  });

  it('xrun (delayTime ≥ 0) answers "loaded" before the command runs; it runs after the delay', async () => {
    const posted = Date.now();
    const id = await start('/run/cmd', runCmdForm('date +%s%3N', ['g1', 'g2'], { delay: 1 }));
    // Polled quickly: "loaded" must be there well before the delayed command starts.
    const list = await results(id, [20]);
    const answeredAt = Date.now();
    expect(list.map((r) => [r.Name, r.Code, r.Result]).sort()).toEqual([
      ['g1', 0, 'loaded'],
      ['g2', 0, 'loaded'],
    ]);
    const ran = await waitFor(
      async () => {
        const invocation = await v2Invocation(id, 'g1');
        return invocation?.state === 'success' ? invocation : undefined;
      },
      { what: 'the delayed command finished on g1' },
    );
    const ranAt = Number(ran.stdout.trim());
    expect(ranAt - posted).toBeGreaterThanOrEqual(900);
    expect(answeredAt).toBeLessThan(ranAt);
  });

  it('refuses what Octopoda refuses: unknown nodes, missing taskid; an unknown task id answers []', async () => {
    const scope = await post('/run/cmd', runCmdForm('echo hi', ['g1', 'ghost']));
    expect([scope.status, (scope.json() as { Rmsg: string }).Rmsg]).toEqual([
      400,
      'ERROR: some nodes are invalid or out of scope.',
    ]);
    const noId = await goRequest(brain(), 'GET', '/api/v1/taskstate', { auth });
    expect([noId.status, (noId.json() as { Rmsg: string }).Rmsg]).toEqual([400, 'Wrong Args']);
    const unknown = await taskState('00000000-0000-0000-0000-000000000000');
    expect([unknown.status, unknown.json()]).toEqual([200, []]);
  });

  it('a stopped node is a CommunicationError (Code 1) once delivery gives up; the others still run', async () => {
    await stack.tentacles.get('g3')?.stop();
    await stack.waitForNode('g3', (n) => !n.connected);
    const list = await results(await start('/run/cmd', runCmdForm('echo up', ['g1', 'g3'])));
    expect(list.find((r) => r.Name === 'g1')).toMatchObject({ Code: 0, Result: 'up\n' });
    const g3 = list.find((r) => r.Name === 'g3') as ExecutionResult;
    expect(g3).toMatchObject({ Code: 1, ProcessErrorMsg: '', Result: '' });
    expect(g3.CommunicationErrorMsg).toMatch(/^Send command request: \S/);
  });
});
