import { issueServerCert, writeCertifiedKey } from '@octopod/pki';
import { CloseCode, UpgradeRefusal } from '@octopod/protocol';
import { FakeTentacle, waitFor } from '@octopod/testing';
import pino from 'pino';
import { startBrain, type RunningBrain } from '../../bootstrap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_PASSWORD, startTestBrain, type TestBrain } from '../../../test/brain-harness';
import { createToken, enrolAs } from './enrol.helper-spec';

interface NodeBody {
  name: string;
  connected: boolean;
}

const errorOf = (res: { json(): unknown }) => res.json() as { code: string; message: string };

describe('revocation and certificate roles (real sockets, Postgres)', () => {
  let t: TestBrain;
  const node = async (name: string) => (await t.api(`/api/v2/nodes/${name}`)).json() as NodeBody;

  beforeAll(async () => {
    t = await startTestBrain();
    for (const name of ['r1', 'r2', 'r3']) t.pki.client(name);
  });
  afterAll(() => t.stop());

  it('closes a live connection at once with 4401 and refuses its reconnection at the upgrade', async () => {
    const live = t.tentacle('r1');
    await live.join();
    await waitFor(async () => (await node('r1')).connected);

    const res = await t.api('/api/v2/nodes/r1/revoke', { method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ node: 'r1', disconnected: 1, revokedAt: expect.any(String) });
    const closed = await live.whenClosed();
    expect(closed).toEqual({ code: CloseCode.revoked, reason: 'certificate revoked by admin' });
    await waitFor(async () => !(await node('r1')).connected);

    const audit = await waitFor(async () => {
      const res = await t.api('/api/v2/audit?action=revokeNode&node=r1');
      const { items } = res.json() as { items: { actor: string; targets: string[]; outcome: string }[] };
      return items[0];
    });
    expect(audit).toMatchObject({ actor: 'admin', targets: ['r1'], outcome: 'ok' });

    const again = t.tentacle('r1');
    await expect(again.opened).rejects.toThrow(/upgrade refused: 403 revoked/);
    expect(again.refused).toMatchObject({
      status: 403,
      code: UpgradeRefusal.revoked,
      message: expect.stringContaining('node "r1" was revoked'),
    });
  });

  it('takes the node back after it enrols with a new token; the old certificate stays refused', async () => {
    t.pki.client('r2');
    await t.tentacle('r2').join();
    expect((await t.api('/api/v2/nodes/r2/revoke', { method: 'POST' })).status).toBe(200);
    await expect(t.tentacle('r2').opened).rejects.toThrow(/403 revoked/);

    const { token } = await createToken(t, { name: 'r2' });
    const enrolled = await enrolAs(t, token, 'r2');
    expect(enrolled.status).toBe(201);
    await t.tentacle('r2', { cert: enrolled.file }).join();
    await waitFor(async () => (await node('r2')).connected);
    await expect(t.tentacle('r2').opened).rejects.toThrow(/403 revoked/);

    // Revoked again: the re-enrolled certificate goes too.
    const second = await t.api('/api/v2/nodes/r2/revoke', { method: 'POST' });
    expect(second.json()).toMatchObject({ certificatesRevoked: 1, disconnected: 1 });
    await expect(t.tentacle('r2', { cert: enrolled.file }).opened).rejects.toThrow(/403 revoked/);
  });

  it('keeps refusing a revoked node after the brain restarts (the list is loaded from the database)', async () => {
    await t.restart();
    await expect(t.tentacle('r1').opened).rejects.toThrow(/403 revoked/);
    await t.tentacle('r3').join();
  });

  it('refuses an unknown name and the brain itself', async () => {
    const unknown = await t.api('/api/v2/nodes/ghost/revoke', { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown).code).toBe('node_not_found');
    expect(errorOf(await t.api('/api/v2/nodes/brain/revoke', { method: 'POST' })).code).toBe('reserved_name');
  });

  it('refuses an admin certificate and a role-less one at the gateway, saying why', async () => {
    const admin = t.tentacle('admin', { cert: 'admin' });
    await expect(admin.opened).rejects.toThrow(/upgrade refused: 403 wrong_role/);
    expect(admin.refused?.message).toContain('presented an admin certificate');
    expect(admin.refused?.message).toContain('accepts only node certificates');

    writeCertifiedKey(t.pki.dir, 'r-old', issueServerCert(t.pki.ca, { commonName: 'r-old' }));
    const roleless = t.tentacle('r-old', { cert: 'r-old' });
    await expect(roleless.opened).rejects.toThrow(/403 wrong_role/);
    expect(roleless.refused?.message).toContain('without a role');
  });

  it('refuses a node certificate on /api/v2 with 403, saying it is a node certificate', async () => {
    const res = await t.api('/api/v2/nodes', { cert: 'r3' });
    expect(res.status).toBe(403);
    expect(errorOf(res)).toMatchObject({
      code: 'certificate_not_admin',
      message: expect.stringContaining('"r3" presented a node certificate'),
    });
    writeCertifiedKey(t.pki.dir, 'r-old2', issueServerCert(t.pki.ca, { commonName: 'ops' }));
    expect(errorOf(await t.api('/api/v2/nodes', { cert: 'r-old2' })).message).toContain('without a role');
    expect((await t.api('/api/v2/nodes')).status).toBe(200);
  });

  it('keeps /api/v1 open to any certificate of the CA (the workgroup password is its credential)', async () => {
    const headers = { rootpath: '/', currentpath: '/', password: ROOT_PASSWORD };
    writeCertifiedKey(t.pki.dir, 'octopoda-octl', issueServerCert(t.pki.ca, { commonName: 'octl' }));
    for (const cert of ['octopoda-octl', 'r3', 'admin']) {
      const res = await t.api('/api/v1/node/info?name=r3', { headers, cert });
      expect(res.status, cert).toBe(200);
    }
  });
});

describe('revocation across two brain instances sharing Postgres and Redis', () => {
  let t: TestBrain;
  let second: RunningBrain;
  /** A fake tentacle connected to the second instance's gateway. */
  const atSecond = (name: string, cert = name) =>
    new FakeTentacle({
      url: `wss://127.0.0.1:${second.gatewayPort}/tentacle`,
      caPath: t.pki.caPath,
      certPath: `${t.pki.dir}/${cert}.pem`,
      keyPath: `${t.pki.dir}/${cert}.key`,
      name,
    });

  beforeAll(async () => {
    t = await startTestBrain();
    const config = {
      ...t.config,
      octlFace: { ...t.config.octlFace, port: 0 },
      tentacleFace: { ...t.config.tentacleFace, port: 0 },
    };
    second = await startBrain(config, { api: true, worker: false }, pino({ level: 'warn' }));
  });
  afterAll(async () => {
    await second?.close();
    await t.stop();
  });

  it("closes the node's connection held by the other instance, which then refuses it and takes it back once enrolled", async () => {
    t.pki.client('m1');
    const held = atSecond('m1');
    await held.join();
    await waitFor(async () => ((await t.api('/api/v2/nodes/m1')).json() as NodeBody).connected);

    const res = await t.api('/api/v2/nodes/m1/revoke', { method: 'POST' });
    expect(res.json()).toMatchObject({ disconnected: 0 }); // not held by the instance that answered
    expect(await held.whenClosed()).toEqual({
      code: CloseCode.revoked,
      reason: 'certificate revoked by admin',
    });
    const again = atSecond('m1');
    await expect(again.opened).rejects.toThrow(/403 revoked/);
    await again.close();

    const { token } = await createToken(t, { name: 'm1' });
    const enrolled = await enrolAs(t, token, 'm1');
    expect(enrolled.status).toBe(201);
    // Published to the other instance: it accepts the new certificate (retrying until the news has arrived).
    await waitFor(async () => {
      const back = atSecond('m1', enrolled.file);
      try {
        await back.join();
        return true;
      } catch {
        await back.close();
        return false;
      }
    });
  });
});
