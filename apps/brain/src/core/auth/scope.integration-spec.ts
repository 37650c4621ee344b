import type { Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { packTar } from '@octopod/files';
import { makeTempDir, waitFor } from '@octopod/testing';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../database/prisma.service';
import { controllerRoutes } from '../http/controller-routes';
import { hashPassword } from '../../modules/workgroup/password-hash';
import {
  ROOT_PASSWORD,
  startTestBrain,
  type ApiOptions,
  type ApiResponse,
  type TestBrain,
} from '../../../test/brain-harness';
import { NODE_SCOPE_KEY, type NodeScopeSpec } from './node-scope.decorator';

interface Route {
  key: string;
  spec: NodeScopeSpec | undefined;
}

/** Every route the brain serves, with its scope declaration (the route's own, or its controller's). */
function routesOf(t: TestBrain): Route[] {
  return [...t.brain.app.get(ModulesContainer).values()].flatMap((module) =>
    [...module.controllers.values()].flatMap((wrapper) => {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller) return [];
      const classSpec = Reflect.getMetadata(NODE_SCOPE_KEY, controller) as NodeScopeSpec | undefined;
      return controllerRoutes(controller).map((route) => ({
        key: `${route.method} ${route.path}`,
        spec: (Reflect.getMetadata(NODE_SCOPE_KEY, route.handler) as NodeScopeSpec | undefined) ?? classSpec,
      }));
    }),
  );
}

/** A tar of a scenario folder made of these files. */
async function folderTar(files: Record<string, string>): Promise<Buffer> {
  const dir = makeTempDir('octopod-scope-scen-');
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir.path, path)), { recursive: true });
      writeFileSync(join(dir.path, path), text);
    }
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    await packTar(dir.path, out, { contentsOnly: true });
    return Buffer.concat(chunks);
  } finally {
    dir.remove();
  }
}

const G1 = '/g1';
const G1_PASSWORD = 'g1-secret';
const IN = 'in-1';
const OUT = 'out-1';
/** A scenario of the root workgroup, which /g1 callers must not see. */
const OUT_SCEN = 'root-scen';
const OUT_OF_SCOPE = 'ERROR: some nodes are invalid or out of scope.';

describe('scope on every route of both faces (real Postgres, Redis, sockets)', () => {
  let t: TestBrain;
  let outTask: string;
  /** An API token of /g1 (a user of /g1: no certificate), and one of the root. */
  let g1Token: string;
  let rootTokenId: string;
  /** A run of the root's scenario. */
  let outRun: string;
  /** A rollout of the root's. */
  let outRollout: string | undefined;

  /** A caller whose current workgroup is /g1 (member: in-1; out-1 is not). */
  const v1 = (path: string, options: ApiOptions = {}) =>
    t.api(`/api/v1${path}`, {
      ...options,
      headers: { rootpath: G1, currentpath: G1, password: G1_PASSWORD, ...options.headers },
    });
  const v2 = (path: string, options: ApiOptions = {}) =>
    t.api(`/api/v2${path}`, {
      cert: null,
      ...options,
      headers: { authorization: `Bearer ${g1Token}`, ...options.headers },
    });
  const post = (body: unknown): ApiOptions => ({ method: 'POST', body });
  const form = (fields: Record<string, string>): ApiOptions => ({
    method: 'POST',
    rawBody: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const multipart = (fields: Record<string, string>, file: { field: string; name: string; body: string }) => {
    const boundary = 'octopodtestboundary';
    const parts = Object.entries(fields).map(
      ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
    );
    parts.push(
      `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\n` +
        `Content-Type: application/octet-stream\r\n\r\n${file.body}\r\n--${boundary}--\r\n`,
    );
    return {
      method: 'POST',
      rawBody: parts.join(''),
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    } satisfies ApiOptions;
  };
  const json = (res: ApiResponse) => res.json() as Record<string, unknown>;
  const outTaskUntouched = async () => {
    const task = (await t.api(`/api/v2/tasks/${outTask}`)).json() as { state: string };
    expect(task.state).not.toBe('cancelled');
  };

  /**
   * One case per route: what a /g1 caller gets when it names a node outside /g1 (or what it must not see). A route
   * missing here fails the test, so every new route gets its case.
   */
  const cases: Record<string, () => Promise<void>> = {
    'GET /healthz': async () => expect((await t.api('/healthz', { cert: null })).status).toBe(200),
    'GET /api/v1/node/info': async () => {
      expect((await v1(`/node/info?name=${OUT}`)).status).toBe(404);
      expect((await v1(`/node/info?name=${IN}`)).status).toBe(200);
    },
    'GET /api/v1/nodes/info': async () => {
      const res = await v1(`/nodes/info?targetNodes=${encodeURIComponent(JSON.stringify([IN, OUT]))}`);
      expect([res.status, res.text]).toEqual([400, '{}']);
    },
    'GET /api/v1/node/status': async () => expect((await v1(`/node/status?name=${OUT}`)).status).toBe(404),
    'GET /api/v1/nodes/status': async () => {
      const res = await v1(`/nodes/status?targetNodes=${encodeURIComponent(JSON.stringify([OUT]))}`);
      expect([res.status, res.text]).toEqual([400, 'ERROR: some nodes are invalid or out of scope.']);
    },
    'GET /api/v1/node/prune': async () => {
      const res = await v1(`/node/prune?targetNodes=${encodeURIComponent(JSON.stringify([OUT]))}`);
      expect(res.status).toBe(400);
    },
    'POST /api/v1/nodes/parse': async () => {
      const res = await v1('/nodes/parse', { method: 'POST', body: [IN, OUT, '@'] });
      expect(json(res)).toMatchObject({ OutputNames: [IN], InvalidNames: [OUT] });
    },
    'POST /api/v1/run/cmd': async () => {
      const res = await v1('/run/cmd', form({ command: 'id', targetNodes: JSON.stringify([OUT]) }));
      expect(res.status).toBe(400);
      expect(json(res)).toMatchObject({ Rmsg: 'ERROR: some nodes are invalid or out of scope.' });
    },
    'POST /api/v1/run/script': async () => {
      const body = multipart(
        { targetNodes: JSON.stringify([OUT]), delayTime: '-1' },
        { field: 'script', name: 'x.sh', body: 'id\n' },
      );
      const res = await v1('/run/script', body);
      expect(res.status).toBe(400);
      expect(json(res)).toMatchObject({ Rmsg: 'ERROR: some nodes are invalid or out of scope.' });
    },
    'POST /api/v1/run/cancel': async () => {
      expect((await v1('/run/cancel', form({ taskid: outTask }))).status).toBe(200);
      await outTaskUntouched();
    },
    'GET /api/v1/taskstate': async () => {
      const res = await v1(`/taskstate?taskid=${outTask}`);
      expect([res.status, res.text]).toEqual([200, '[]']);
    },
    'GET /api/v2/nodes': async () => {
      const names = (json(await v2('/nodes')).nodes as Array<{ name: string }>).map((n) => n.name);
      expect(names).toEqual([IN]);
    },
    'POST /api/v2/nodes/resolve': async () => {
      const res = await v2('/nodes/resolve', { method: 'POST', body: { targets: [IN, OUT, 'ALL'] } });
      expect(json(res)).toMatchObject({ online: [IN], unknown: [OUT] });
    },
    'GET /api/v2/nodes/:name': async () => expect((await v2(`/nodes/${OUT}`)).status).toBe(404),
    'GET /api/v2/nodes/:name/status': async () => expect((await v2(`/nodes/${OUT}/status`)).status).toBe(404),
    'DELETE /api/v2/nodes/:name': async () =>
      expect((await v2(`/nodes/${OUT}`, { method: 'DELETE' })).status).toBe(404),
    'POST /api/v2/tasks': async () => {
      const res = await v2('/tasks', { method: 'POST', body: { targets: [OUT], command: 'id' } });
      expect(res.status).toBe(422);
      expect(json(res)).toMatchObject({ code: 'unknown_targets' });
    },
    'GET /api/v2/tasks': async () => {
      const ids = (json(await v2('/tasks')).items as Array<{ id: string }>).map((i) => i.id);
      expect(ids).not.toContain(outTask);
    },
    'GET /api/v2/tasks/:id': async () => expect((await v2(`/tasks/${outTask}`)).status).toBe(404),
    'POST /api/v2/tasks/:id/cancel': async () => {
      expect((await v2(`/tasks/${outTask}/cancel`, { method: 'POST' })).status).toBe(404);
      await outTaskUntouched();
    },
    'GET /api/v2/tasks/:id/events': async () =>
      expect((await v2(`/tasks/${outTask}/events`)).status).toBe(404),
    // Fleet administration is for the root workgroup only.
    'POST /api/v2/nodes/tokens': async () => expect((await v2('/nodes/tokens', post({}))).status).toBe(403),
    'GET /api/v2/nodes/tokens': async () => expect((await v2('/nodes/tokens')).status).toBe(403),
    'POST /api/v2/nodes/:name/revoke': async () =>
      expect((await v2(`/nodes/${OUT}/revoke`, post({}))).status).toBe(403),
    // Enrolment is authenticated by its join token, not by a caller's scope.
    'GET /api/v2/enrol/ca': async () => expect((await v2('/enrol/ca')).status).toBeLessThan(500),
    'POST /api/v2/enrol': async () => {
      const res = await v2('/enrol', post({ token: 'not-a-token', name: OUT, csr: 'x' }));
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    },
    'GET /api/v2/workgroups': async () => {
      expect((await v2('/workgroups?path=')).status).toBe(403);
      expect(json(await v2(`/workgroups?path=${G1}`))).toMatchObject({ members: [IN] });
    },
    'POST /api/v2/workgroups/members': async () => {
      const res = await v2('/workgroups/members', post({ path: `${G1}/sub`, action: 'add', members: [OUT] }));
      expect(res.status).toBe(422);
    },
    'DELETE /api/v2/workgroups': async () =>
      expect((await v2('/workgroups?path=', { method: 'DELETE' })).status).toBe(403),
    'POST /api/v2/workgroups/grant': async () =>
      expect((await v2('/workgroups/grant', post({ path: '/other', password: 'secret99' }))).status).toBe(
        403,
      ),
    'POST /api/v2/auth/login': async () =>
      expect((await v2('/auth/login', post({ path: '', password: G1_PASSWORD }))).status).toBe(401),
    'GET /api/v2/tokens': async () => {
      const ids = (json(await v2('/tokens')).items as Array<{ id: string }>).map((i) => i.id);
      expect(ids).not.toContain(rootTokenId);
    },
    'DELETE /api/v2/tokens/:id': async () => {
      const res = await v2(`/tokens/${rootTokenId}`, { method: 'DELETE' });
      expect(res.status).toBeGreaterThanOrEqual(403);
      const tokens = json(await t.api('/api/v2/tokens')).items as Array<{
        id: string;
        revokedAt: string | null;
      }>;
      expect(tokens.find((i) => i.id === rootTokenId)?.revokedAt ?? null).toBeNull();
    },
    'GET /api/v2/audit': async () => {
      // Only what callers of /g1 did (their own refused attempts included), never the root's task on out-1.
      const records = json(await v2('/audit?limit=200')).items as Array<{ workgroup: string; route: string }>;
      expect(records.length).toBeGreaterThan(0);
      expect(records.filter((r) => r.workgroup !== G1 && !r.workgroup.startsWith(`${G1}/`))).toEqual([]);
      const root = json(await t.api('/api/v2/audit?limit=200')).items as Array<{ workgroup: string }>;
      expect(root.some((r) => r.workgroup === '/')).toBe(true);
    },
    'PUT /api/v2/files/blobs': async () => {
      const res = await v2('/files/blobs', {
        method: 'PUT',
        rawBody: 'hello',
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(res.status).toBe(201);
    },
    'GET /api/v2/files/blobs/:sha256': async () =>
      expect((await v2(`/files/blobs/${'0'.repeat(64)}`)).status).toBe(404),
    'POST /api/v2/files/push': async () => {
      const body = { blob: '0'.repeat(64), name: 'x', format: 'file', path: 'x', targets: [OUT] };
      expect((await v2('/files/push', post(body))).status).toBe(422);
    },
    'POST /api/v2/files/pull': async () =>
      expect((await v2('/files/pull', post({ node: OUT, path: '@log' }))).status).toBe(422),
    'GET /api/v2/nodes/:name/files': async () => {
      expect((await v2(`/nodes/${OUT}/files?path=@fstore`)).status).toBe(422);
      const brainTree = await v2('/nodes/brain/files?path=@fstore');
      expect(brainTree.status, brainTree.text).toBe(422);
    },
    'GET /api/v2/nodes/:name/logs': async () => {
      expect((await v2(`/nodes/${OUT}/logs`)).status).toBe(422);
      // The brain's log speaks of every workgroup's nodes: only the root reads it here.
      expect((await v2('/nodes/brain/logs')).status).toBe(422);
      expect(json(await v2(`/nodes/${IN}/logs`))).toMatchObject({ node: IN });
    },
    'GET /api/v2/ssh': async () => {
      // The root stores a login of out-1; /g1 does not see it.
      expect(
        (await t.api(`/api/v2/nodes/${OUT}/ssh`, { method: 'PUT', body: { username: 'u' } })).status,
      ).toBe(200);
      const logins = (json(await v2('/ssh')).logins as Array<{ node: string }>).map((l) => l.node);
      expect(logins).not.toContain(OUT);
    },
    'PUT /api/v2/nodes/:name/ssh': async () =>
      expect((await v2(`/nodes/${OUT}/ssh`, { method: 'PUT', body: { username: 'u' } })).status).toBe(422),
    'GET /api/v2/nodes/:name/ssh': async () => expect((await v2(`/nodes/${OUT}/ssh`)).status).toBe(422),
    'DELETE /api/v2/nodes/:name/ssh': async () =>
      expect((await v2(`/nodes/${OUT}/ssh`, { method: 'DELETE' })).status).toBe(422),
    'POST /api/v2/nodes/:name/ssh/tunnel': async () =>
      expect((await v2(`/nodes/${OUT}/ssh/tunnel`, { method: 'POST' })).status).toBe(422),
    'GET /api/v1/ssh': async () => {
      const res = await v1(`/ssh?name=${OUT}`);
      expect([res.status, res.text]).toEqual([400, '{}']);
    },
    'POST /api/v1/ssh': async () => {
      const res = await v1('/ssh', form({ name: OUT, username: 'u', password: 'p' }));
      expect([res.status, json(res).Code]).toEqual([400, -1]);
    },
    'DELETE /api/v1/ssh': async () => {
      const res = await v1(`/ssh?name=${OUT}`, { method: 'DELETE' });
      expect([res.status, json(res).Code]).toEqual([400, -1]);
    },
    'POST /api/v2/pakma': async () => {
      expect((await v2('/pakma', post({ command: 'state', targets: [OUT] }))).status).toBe(422);
      // The brain's host is the root's to upgrade.
      expect((await v2('/pakma', post({ command: 'state', targets: ['brain'] }))).status).toBe(422);
    },
    'POST /api/v2/rollouts': async () =>
      expect((await v2('/rollouts', post({ version: '2.0.0', targets: [OUT] }))).status).toBe(422),
    'GET /api/v2/rollouts': async () => {
      const started = await t.api('/api/v2/rollouts', {
        method: 'POST',
        body: { version: '9.9.9', targets: [OUT], waveTimeoutSeconds: 1 },
      });
      outRollout = (started.json() as { id: string }).id;
      const ids = (json(await v2('/rollouts')).rollouts as Array<{ id: string }>).map((r) => r.id);
      expect(ids).not.toContain(outRollout);
    },
    'GET /api/v2/rollouts/:id': async () => {
      outRollout ??= (
        (
          await t.api('/api/v2/rollouts', {
            method: 'POST',
            body: { version: '9.9.8', targets: [OUT], waveTimeoutSeconds: 1 },
          })
        ).json() as { id: string }
      ).id;
      expect((await v2(`/rollouts/${outRollout}`)).status).toBe(404);
    },
    'POST /api/v1/pakma': async () => {
      const res = await v1('/pakma', form({ command: 'state', targetNodes: JSON.stringify([OUT]) }));
      expect(res.status).toBe(400);
      const brain = await v1('/pakma', form({ command: 'state', targetNodes: '["brain"]' }));
      expect(brain.status).toBe(400);
    },
    'GET /api/v2/nodes/:name/files/content': async () =>
      expect((await v2(`/nodes/${OUT}/files/content?path=@log`)).status).toBe(422),
    'POST /api/v1/file/distrib': async () => {
      const body = multipart(
        { targetNodes: JSON.stringify([OUT]), targetPath: 'x', isForce: 'true' },
        { field: 'packfiles', name: 'x.zip', body: 'PK' },
      );
      const res = await v1('/file/distrib', body);
      expect(res.status).toBe(400);
      expect(json(res)).toMatchObject({ Rmsg: 'ERROR: some nodes are invalid or out of scope.' });
    },
    'POST /api/v1/file/upload': async () => {
      const body = multipart({ targetPath: 'x' }, { field: 'tarfile', name: 'x.zip', body: 'PK' });
      expect((await v1('/file/upload', body)).status).toBeGreaterThanOrEqual(400);
    },
    'POST /api/v1/file/spread': async () => {
      const res = await v1('/file/spread', post({ TargetPath: 'x', FileOrDir: 'y', TargetNodes: [OUT] }));
      expect(res.status).toBe(400);
    },
    'GET /api/v1/file/pull': async () => {
      expect((await v1(`/file/pull?name=${OUT}&fileOrDir=x`)).status).toBe(400);
      expect((await v1('/file/pull?name=brain&fileOrDir=x')).status).toBe(400);
    },
    'GET /api/v1/file/tree': async () =>
      expect((await v1(`/file/tree?name=${OUT}&subdir=`)).status).toBe(400),
    'GET /api/v1/node/log': async () => {
      const res = await v1(`/node/log?name=${OUT}`);
      expect([res.status, res.text]).toEqual([400, '']);
      expect((await v1(`/node/log?name=${IN}`)).status).toBe(200);
      // `brain` passes from any workgroup, as in Octopoda.
      expect((await v1('/node/log?name=brain')).status).toBe(200);
    },
    'GET /api/v1/scenarios/info': async () => {
      const names = ((await v1('/scenarios/info')).json() as Array<{ Name: string }>).map((s) => s.Name);
      expect(names).not.toContain(OUT_SCEN);
    },
    'GET /api/v1/scenario/info': async () => {
      const res = await v1(`/scenario/info?name=${OUT_SCEN}`);
      expect([res.status, json(res).Rmsg]).toEqual([404, 'Error: GetScenarioInfoByName']);
    },
    'POST /api/v1/scenario/info': async () => {
      const taken = await v1('/scenario/info', form({ name: OUT_SCEN, description: 'mine now' }));
      expect([taken.status, json(taken).Rmsg]).toEqual([404, 'ERROR: Scenario Exists']);
      expect(json(await t.api(`/api/v2/scenarios/${OUT_SCEN}`))).toMatchObject({
        description: 'of the root',
      });
      // A scenario a /g1 caller creates belongs to /g1.
      expect((await v1('/scenario/info', form({ name: 'g1-scen', description: 'of g1' }))).status).toBe(200);
      expect(json(await t.api('/api/v2/scenarios/g1-scen'))).toMatchObject({ workgroup: G1 });
    },
    'DELETE /api/v1/scenario/info': async () => {
      const res = await v1(`/scenario/info?name=${OUT_SCEN}`, { method: 'DELETE' });
      expect([res.status, json(res).Rmsg]).toEqual([404, 'ERROR: Scenario Not Exists']);
      expect((await t.api(`/api/v2/scenarios/${OUT_SCEN}`)).status).toBe(200);
    },
    'POST /api/v1/scenario/update': async () => {
      const res = await v1('/scenario/update', form({ name: OUT_SCEN, message: 'm' }));
      expect([res.status, json(res).Rmsg]).toEqual([404, 'ERROR: UpdateScenario']);
    },
    'GET /api/v1/scenario/version': async () => {
      const res = await v1(`/scenario/version?name=${OUT_SCEN}`);
      expect([res.status, res.text]).toEqual([200, 'null']);
    },
    'POST /api/v1/scenario/version': async () => {
      const res = await v1('/scenario/version', form({ name: OUT_SCEN, version: 'abcd', message: 'm' }));
      expect([res.status, json(res).Rmsg]).toEqual([404, 'ERROR: Scenario Not Exists']);
    },
    'GET /api/v1/scenario/fix': async () => {
      const res = await v1(`/scenario/fix?name=${OUT_SCEN}`);
      expect([res.status, json(res).Rmsg]).toEqual([400, 'Fix:ErrorScenarioNotFound']);
    },
    'POST /api/v1/scenario/app/prepare': async () => {
      const fields = { appName: 'a', scenario: 'g1-scen', description: 'd', message: 'm' };
      const body = multipart(
        { ...fields, targetNodes: JSON.stringify([OUT]) },
        { field: 'files', name: 'a.zip', body: 'PK' },
      );
      const res = await v1('/scenario/app/prepare', body);
      expect([res.status, json(res).Rmsg]).toEqual([400, OUT_OF_SCOPE]);
    },
    'POST /api/v1/scenario/app/deployment': async () => {
      const fields = { appName: 'a', scenario: 'g1-scen', description: 'd' };
      const body = multipart(
        { ...fields, targetNodes: JSON.stringify([OUT]) },
        { field: 'script', name: 'start.sh', body: 'id\n' },
      );
      const res = await v1('/scenario/app/deployment', body);
      expect([res.status, json(res).Rmsg]).toEqual([400, OUT_OF_SCOPE]);
    },
    'POST /api/v1/scenario/app/commit': async () => {
      const fields = { appName: 'a', scenario: 'g1-scen', message: 'm', targetNodes: JSON.stringify([OUT]) };
      const res = await v1('/scenario/app/commit', form(fields));
      expect([res.status, json(res).Rmsg]).toEqual([400, OUT_OF_SCOPE]);
    },
    'GET /api/v1/node/apps': async () => {
      const res = await v1(`/node/apps?name=${OUT}`);
      expect([res.status, json(res).Rmsg]).toEqual([400, OUT_OF_SCOPE]);
    },
    'GET /api/v1/node/app/info': async () => {
      const res = await v1(`/node/app/info?name=${OUT}&app=a&scenario=${OUT_SCEN}`);
      expect([res.status, json(res).Rmsg]).toEqual([404, 'NodeAppInfo']);
    },
    'GET /api/v1/node/app/version': async () => {
      const res = await v1(`/node/app/version?name=${OUT}&app=a&scenario=${OUT_SCEN}`);
      expect([res.status, json(res).Rmsg]).toEqual([404, 'NodeAppVersion']);
    },
    'POST /api/v1/node/app/version': async () => {
      const fields = { name: OUT, app: 'a', scenario: OUT_SCEN, version: 'ab', message: 'm' };
      const res = await v1('/node/app/version', form(fields));
      expect([res.status, json(res).Rmsg]).toEqual([404, 'NodeAppsInfo']);
    },
    'POST /api/v2/scenarios/apply': async () => {
      const scripts = ['prepare', 'start', 'stop', 'purge'];
      const tar = await folderTar({
        'deployment.yaml': [
          'name: g1-applied',
          'description: d',
          'applications:',
          '  - name: a',
          '    description: d',
          '    scriptpath: scripts/',
          '    sourcepath: src/',
          `    nodes: [${OUT}]`,
          '    script:',
          ...scripts.map((target) => `      - { target: ${target}, file: ${target}.sh }`),
        ].join('\n'),
        'src/README': 'hi\n',
        ...Object.fromEntries(scripts.map((target) => [`scripts/${target}.sh`, 'true\n'])),
      });
      const blob = json(
        await v2('/files/blobs', {
          method: 'PUT',
          rawBody: tar,
          headers: { 'content-type': 'application/octet-stream' },
        }),
      ).sha256 as string;
      const res = await v2('/scenarios/apply', post({ blob, target: 'prepare', message: 'm' }));
      expect(res.status, res.text).toBe(422);
      expect(json(res)).toMatchObject({ code: 'invalid_scenario' });
      expect(res.text).toContain(OUT);
    },
    'GET /api/v2/scenarios': async () => {
      const names = ((await v2('/scenarios')).json() as Array<{ name: string }>).map((s) => s.name);
      expect(names).not.toContain(OUT_SCEN);
    },
    'GET /api/v2/scenarios/:scenario': async () =>
      expect((await v2(`/scenarios/${OUT_SCEN}`)).status).toBe(404),
    'GET /api/v2/scenarios/:scenario/versions': async () =>
      expect((await v2(`/scenarios/${OUT_SCEN}/versions`)).status).toBe(404),
    'POST /api/v2/scenarios/:scenario/reset': async () => {
      const res = await v2(`/scenarios/${OUT_SCEN}/reset`, post({ version: 'abcd', message: 'm' }));
      expect(res.status).toBe(404);
    },
    'GET /api/v2/scenario-runs': async () => {
      const ids = ((await v2('/scenario-runs')).json() as Array<{ id: string }>).map((r) => r.id);
      expect(ids).not.toContain(outRun);
    },
    'GET /api/v2/scenario-runs/:id': async () =>
      expect((await v2(`/scenario-runs/${outRun}`)).status).toBe(404),
    'GET /api/v2/nodes/:name/apps': async () => expect((await v2(`/nodes/${OUT}/apps`)).status).toBe(422),
    'GET /api/v2/nodes/:name/apps/:ref/versions': async () =>
      expect((await v2(`/nodes/${OUT}/apps/a@${OUT_SCEN}/versions`)).status).toBe(422),
    'POST /api/v2/nodes/:name/apps/:ref/reset': async () => {
      const res = await v2(`/nodes/${OUT}/apps/a@${OUT_SCEN}/reset`, post({ version: 'ab', message: 'm' }));
      expect(res.status).toBe(422);
    },
    'GET /api/v1/workgroup/info': async () => expect((await v1('/workgroup/info?path=')).status).toBe(401),
    'POST /api/v1/workgroup/info': async () =>
      expect((await v1('/workgroup/info', post({ Path: '', Password: 'secret99' }))).status).toBe(401),
    'GET /api/v1/workgroup/children': async () =>
      expect((await v1('/workgroup/children?path=')).status).toBe(401),
    'GET /api/v1/workgroup/members': async () =>
      expect((await v1('/workgroup/members?path=')).status).toBe(401),
    'POST /api/v1/workgroup/members': async () => {
      const res = await v1('/workgroup/members', post({ Path: `${G1}/sub`, IsAdd: true, Members: [OUT] }));
      expect(res.status).toBe(400);
    },
  };

  beforeAll(async () => {
    t = await startTestBrain();
    for (const name of [IN, OUT]) {
      t.pki.client(name);
      await t.tentacle(name, { execute: () => 'hold' }).join();
    }
    const prisma = t.brain.app.get(PrismaService);
    await prisma.workgroup.create({ data: { path: G1, passwordHash: await hashPassword(G1_PASSWORD) } });
    await prisma.workgroupMember.create({ data: { path: G1, node: IN } });
    const login = async (path: string, password: string) =>
      (
        await t.api('/api/v2/auth/login', { method: 'POST', cert: null, body: { path, password } })
      ).json() as {
        token: string;
        id: string;
      };
    // A scenario of the root workgroup, with a version (so a run of it exists).
    const asRoot = (path: string, fields: Record<string, string>) =>
      t.api(`/api/v1${path}`, {
        ...form(fields),
        headers: { ...form(fields).headers, rootpath: '', currentpath: '', password: ROOT_PASSWORD },
      });
    expect((await asRoot('/scenario/info', { name: OUT_SCEN, description: 'of the root' })).status).toBe(200);
    expect((await asRoot('/scenario/update', { name: OUT_SCEN, message: 'first' })).status).toBe(200);
    const runs = (await t.api(`/api/v2/scenario-runs?scenario=${OUT_SCEN}`)).json() as Array<{ id: string }>;
    outRun = runs[0].id;
    g1Token = (await login(G1, G1_PASSWORD)).token;
    rootTokenId = (await login('', ROOT_PASSWORD)).id;
    const created = await t.api('/api/v2/tasks', {
      method: 'POST',
      body: { targets: [OUT], command: 'sleep 60' },
    });
    outTask = (created.json() as { id: string }).id;
    await waitFor(
      async () =>
        ((await t.api(`/api/v2/tasks/${outTask}`)).json() as { counts: { running: number } }).counts
          .running === 1,
    );
  });
  afterAll(() => t.stop());

  it('every route declares its node scope', () => {
    const undeclared = routesOf(t)
      .filter((route) => !route.spec)
      .map((route) => route.key);
    expect(undeclared).toEqual([]);
  });

  it('has a case for every route', () => {
    const missing = routesOf(t)
      .map((route) => route.key)
      .filter((key) => !(key in cases));
    expect(missing, missing.join('\n')).toEqual([]);
  });

  for (const [route, check] of Object.entries(cases)) {
    it(`${route}: a /g1 caller cannot see or touch a node outside /g1`, check);
  }
});
