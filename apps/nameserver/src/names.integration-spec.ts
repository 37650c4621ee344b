import { makeTempDir, makeTestPki, waitFor } from '@octopod/testing';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNameServer } from './server';
import {
  postJson,
  readClientCert,
  send,
  startTestNameServer,
  type ClientCert,
} from './test-client.helper-spec';

const keyPrefix = `ns-it-names-${randomUUID()}:`;
const redis = new Redis({ host: '127.0.0.1', port: 6379, db: 2, lazyConnect: true });
const temp = makeTempDir('ns-names-');
let server: RunningNameServer;
let tls: ClientCert;

const register = (entries: unknown) => postJson(server.httpsPort, '/register', entries, tls);
const queryHttp = (name: string) =>
  send(server.httpPort, { path: `/query?name=${encodeURIComponent(name)}` });
const list = (query: string) => send(server.httpsPort, { path: `/list?${query}` }, tls);
const json = (body: string) => JSON.parse(body) as unknown;

beforeAll(async () => {
  const pki = makeTestPki(temp.path);
  tls = readClientCert(pki.caPath, pki.client('brain'));
  server = await startTestNameServer(pki, keyPrefix);
  await redis.connect();
});

afterAll(async () => {
  await server?.close();
  for await (const keys of redis.scanStream({ match: `${keyPrefix}*`, count: 1000 })) {
    if ((keys as string[]).length) await redis.del(...(keys as string[]));
  }
  await redis.quit();
  temp.remove();
});

describe('ping', () => {
  it('answers 200 with an empty body on both listeners', async () => {
    for (const reply of [
      await send(server.httpsPort, { path: '/ping' }, tls),
      await send(server.httpPort, { path: '/ping' }),
    ]) {
      expect(reply.status).toBe(200);
      expect(reply.body).toBe('');
    }
  });
});

describe('register and query', () => {
  it('stores an entry in Redis and answers it on HTTPS and HTTP', async () => {
    const entry = {
      key: 'brain.octlFace.request',
      type: 'addr',
      value: '127.0.0.1:12345',
      description: 'api',
      ttl: 60_000,
    };
    const reply = await register([entry]);
    expect(reply).toMatchObject({ status: 200, body: '{"msg":"OK"}' });
    expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');

    const stored = await redis.get(`${keyPrefix}NameEntry:brain.octlFace.request`);
    expect(json(stored ?? '')).toEqual(entry);

    const viaHttp = await queryHttp('brain.octlFace.request');
    expect(viaHttp.status).toBe(200);
    expect(viaHttp.body).toBe(JSON.stringify({ msg: 'OK', entry }));
    const viaHttps = await send(server.httpsPort, { path: '/query?name=brain.octlFace.request' }, tls);
    expect(viaHttps.body).toBe(viaHttp.body);
  });

  it('expires an entry after its ttl', async () => {
    await register([{ key: 'short', type: 'str', value: 'v', ttl: 300 }]);
    const pttl = await redis.pttl(`${keyPrefix}NameEntry:short`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(300);
    expect((await queryHttp('short')).status).toBe(200);
    const gone = await waitFor(
      async () => {
        const reply = await queryHttp('short');
        return reply.status === 400 ? reply : undefined;
      },
      { timeoutMs: 3000, what: 'entry to expire' },
    );
    expect(gone.body).toBe('{"msg":"redis: nil"}');
  });

  it('gives ttl 0 or no ttl the 5000 ms default and omits ttl from the entry', async () => {
    await register([
      { key: 'default-a', type: 'num', value: '1', ttl: 0 },
      { key: 'default-b', type: 'num', value: '2' },
    ]);
    for (const key of ['default-a', 'default-b']) {
      const pttl = await redis.pttl(`${keyPrefix}NameEntry:${key}`);
      expect(pttl).toBeGreaterThan(4000);
      expect(pttl).toBeLessThanOrEqual(5000);
    }
    expect(json((await queryHttp('default-a')).body)).toEqual({
      msg: 'OK',
      entry: { key: 'default-a', type: 'num', value: '1', description: '' },
    });
  });

  it('keeps an entry with a negative ttl forever, also over an earlier expiry', async () => {
    await register([{ key: 'forever', type: 'str', value: 'old', ttl: 300 }]);
    await register([{ key: 'forever', type: 'str', value: 'new', ttl: -1 }]);
    expect(await redis.pttl(`${keyPrefix}NameEntry:forever`)).toBe(-1);
    expect(json((await queryHttp('forever')).body)).toMatchObject({ entry: { value: 'new', ttl: -1 } });
  });

  it('shows a re-registered value on the very next query (no stale cache)', async () => {
    await register([{ key: 'moving', type: 'addr', value: '10.0.0.1:1', ttl: 60_000 }]);
    expect(json((await queryHttp('moving')).body)).toMatchObject({ entry: { value: '10.0.0.1:1' } });
    await register([{ key: 'moving', type: 'addr', value: '10.0.0.2:2', ttl: 60_000 }]);
    expect(json((await queryHttp('moving')).body)).toMatchObject({ entry: { value: '10.0.0.2:2' } });
  });

  it('refuses a bad type with the exact Octopoda-style body and stores nothing', async () => {
    const reply = await register([
      { key: 'good-before-bad', type: 'str', value: 'x' },
      { key: 'bad', type: 'ip', value: 'x' },
    ]);
    expect(reply.status).toBe(400);
    expect(reply.body).toBe('{"msg":"[1].type: must be one of addr, num, str, array"}');
    expect(await redis.exists(`${keyPrefix}NameEntry:good-before-bad`)).toBe(0);
  });

  it.each([
    ['not JSON', '[{"key":', '{"msg":"invalid JSON body"}'],
    ['not an array', '{"key":"k","type":"str"}', '{"msg":"body must be a JSON array of entries"}'],
    ['missing key', '[{"type":"str"}]', '{"msg":"[0].key: is required"}'],
  ])('refuses a body that is %s', async (_what, body, expected) => {
    const reply = await send(server.httpsPort, { method: 'POST', path: '/register', body }, tls);
    expect(reply).toMatchObject({ status: 400, body: expected });
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const entries = [{ key: 'big', type: 'str', value: 'x'.repeat(1024 * 1024) }];
    const reply = await register(entries);
    expect(reply).toMatchObject({ status: 413, body: '{"msg":"request body exceeds 1048576 bytes"}' });
  });

  it('answers a missing name with redis: nil and no name with no name', async () => {
    expect(await queryHttp('never-registered')).toMatchObject({ status: 400, body: '{"msg":"redis: nil"}' });
    expect(await send(server.httpPort, { path: '/query' })).toMatchObject({
      status: 400,
      body: '{"msg":"no name"}',
    });
  });
});

describe('delete', () => {
  it('deletes by urlencoded form and by JSON body, visible at once', async () => {
    await register([
      { key: 'del-form', type: 'str', ttl: 60_000 },
      { key: 'del-json', type: 'str', ttl: 60_000 },
    ]);
    expect((await queryHttp('del-form')).status).toBe(200);
    const form = await send(
      server.httpsPort,
      {
        method: 'POST',
        path: '/delete',
        body: 'name=del-form',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      },
      tls,
    );
    expect(form).toMatchObject({ status: 200, body: '{"msg":"OK"}' });
    expect(await postJson(server.httpsPort, '/delete', { name: 'del-json' }, tls)).toMatchObject({
      status: 200,
    });
    expect(await queryHttp('del-form')).toMatchObject({ status: 400, body: '{"msg":"redis: nil"}' });
    expect(await redis.exists(`${keyPrefix}NameEntry:del-json`)).toBe(0);
  });

  it('requires a name', async () => {
    const reply = await send(server.httpsPort, { method: 'POST', path: '/delete', body: 'other=x' }, tls);
    expect(reply).toMatchObject({ status: 400, body: '{"msg":"no name"}' });
  });
});

describe('list', () => {
  beforeAll(async () => {
    const keys = ['net.a', 'net.b.msg', 'x.net', 'n*t', 'nxt', 'a?'];
    await register(keys.map((key) => ({ key: `l/${key}`, type: 'str', ttl: 60_000 })));
  });
  const listed = async (query: string) => {
    const reply = await list(query);
    expect(reply.status).toBe(200);
    return (json(reply.body) as { list: string[] }).list;
  };

  it('does exactly what each method names', async () => {
    expect(await listed('method=prefix&match=l/net')).toEqual(['l/net.a', 'l/net.b.msg']);
    expect(await listed('method=suffix&match=net')).toEqual(['l/x.net']);
    expect(await listed('method=contain&match=.b.')).toEqual(['l/net.b.msg']);
    expect(await listed('method=equal&match=l/net.a')).toEqual(['l/net.a']);
    expect(await listed('method=equal&match=net.a')).toEqual([]);
    const all = await listed('method=all');
    expect(all).toEqual(
      expect.arrayContaining(['l/net.a', 'l/net.b.msg', 'l/x.net', 'l/n*t', 'l/nxt', 'l/a?']),
    );
  });

  it('matches glob characters literally', async () => {
    expect(await listed(`method=prefix&match=${encodeURIComponent('l/n*')}`)).toEqual(['l/n*t']);
    expect(await listed(`method=suffix&match=${encodeURIComponent('?')}`)).toEqual(['l/a?']);
    expect(await listed(`method=contain&match=${encodeURIComponent('[')}`)).toEqual([]);
  });

  it('refuses an unknown method', async () => {
    expect(await list('method=regex&match=x')).toMatchObject({
      status: 400,
      body: '{"msg":"method must be one of prefix, suffix, contain, equal, all"}',
    });
    expect((await list('match=x')).status).toBe(400);
  });
});

describe('plain HTTP listener', () => {
  it.each([
    ['POST', '/register'],
    ['POST', '/delete'],
    ['GET', '/list?method=all'],
    ['GET', '/summary'],
    ['GET', '/nowhere'],
  ])('answers %s %s with 404', async (method, path) => {
    const reply = await send(server.httpPort, { method, path, body: method === 'POST' ? '[]' : undefined });
    expect(reply).toMatchObject({ status: 404, body: '{"msg":"not found"}' });
  });

  it('never stores what was posted to it', async () => {
    await send(server.httpPort, {
      method: 'POST',
      path: '/register',
      body: '[{"key":"via-http","type":"str"}]',
    });
    expect(await redis.exists(`${keyPrefix}NameEntry:via-http`)).toBe(0);
  });
});

describe('summary', () => {
  interface Summary {
    total_request: number;
    since: number;
    api_stats: Record<string, { requests: number; success: number }>;
  }
  const summary = async (path = '/summary') =>
    json((await send(server.httpsPort, { path }, tls)).body) as Summary;
  const stat = (s: Summary, key: string) => s.api_stats[key] ?? { requests: 0, success: 0 };

  it('counts requests of both listeners, success meaning 200', async () => {
    const before = await summary();
    expect(before.since).toBeGreaterThan(Date.now() - 60_000);
    expect(before.since).toBeLessThanOrEqual(Date.now());
    await register([{ key: 'counted', type: 'str', ttl: 60_000 }]);
    await queryHttp('counted');
    await queryHttp('not-there');
    await send(server.httpPort, { path: '/nowhere' });
    const after = await summary('/summery');
    // The /summary request itself is counted too.
    expect(after.total_request - before.total_request).toBe(5);
    expect(stat(after, '/query[GET]').requests - stat(before, '/query[GET]').requests).toBe(2);
    expect(stat(after, '/query[GET]').success - stat(before, '/query[GET]').success).toBe(1);
    expect(stat(after, '/register[POST]').success - stat(before, '/register[POST]').success).toBe(1);
    expect(stat(after, '/nowhere[GET]').success).toBe(0);
    expect(stat(after, '/summery[GET]')).toEqual({ requests: 1, success: 0 });
  });
});
