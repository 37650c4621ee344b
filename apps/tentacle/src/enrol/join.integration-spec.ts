import {
  createCa,
  describeCertificate,
  issueServerCert,
  newJoinToken,
  type CertifiedKey,
} from '@octopod/pki';
import { makeTempDir } from '@octopod/testing';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseAddress, type BrainAddress } from '../link/address';
import { parseConfig, type TentacleConfig } from '../config';
import { FakeEnrolmentApi } from '../testing/fake-enrolment-api';
import { FakeNameServer } from '../testing/fake-name-server';
import { join } from './join';
import { JoinError } from './join-error';

let temp: ReturnType<typeof makeTempDir>;
let ca: CertifiedKey;
let fingerprint: string;
const cleanups: (() => Promise<unknown>)[] = [];
let count = 0;

beforeAll(() => {
  temp = makeTempDir('tentacle-join-');
  ca = createCa({ commonName: 'Join CA' });
  fingerprint = describeCertificate(ca.certPem).fingerprint;
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
afterAll(() => temp.remove());

async function api(options: Partial<Parameters<typeof FakeEnrolmentApi.start>[0]> = {}) {
  const started = await FakeEnrolmentApi.start({
    ca,
    server: issueServerCert(ca, { commonName: 'brain' }),
    ...options,
  });
  cleanups.push(() => started.close());
  return started;
}

function config(overrides: Record<string, unknown> = {}): TentacleConfig {
  const dir = joinPath(temp.path, `n${++count}`);
  return parseConfig({
    name: 'pi-new',
    httpsNameServer: { enable: false },
    workspace: { root: joinPath(dir, 'ws'), store: joinPath(dir, 'store') },
    ssl: {
      caCert: joinPath(dir, 'pki/ca.pem'),
      clientCert: joinPath(dir, 'pki/pi-new.pem'),
      clientKey: joinPath(dir, 'pki/private/pi-new.key'),
    },
    ...overrides,
  });
}

const addr = (text: string) => parseAddress(text) as BrainAddress;

async function failure(promise: Promise<unknown>): Promise<JoinError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(JoinError);
  return error as JoinError;
}

describe('tentacle join', () => {
  it("finds the API through the name server's octlFace.request entry, enrols and writes key (0600), cert and CA", async () => {
    const brain = await api();
    const ns = await FakeNameServer.start();
    cleanups.push(() => ns.close());
    ns.entries.set('lab.octlFace.request', brain.address);
    const cfg = config();
    const { token } = newJoinToken(fingerprint);
    const result = await join(cfg, {
      token: `${token}\n`,
      nameServer: { host: '127.0.0.1', port: ns.port - 1 },
      brainName: 'lab',
    });
    expect(ns.queries).toEqual(['lab.octlFace.request']);
    expect(brain.enrolments).toEqual([{ token, name: 'pi-new' }]);
    expect(result).toMatchObject({ name: 'pi-new', apiAddress: brain.address });
    expect(describeCertificate(readFileSync(cfg.ssl.clientCert))).toMatchObject({
      commonName: 'pi-new',
      role: 'node',
    });
    expect(readFileSync(cfg.ssl.caCert, 'utf8')).toBe(ca.certPem);
    expect(readFileSync(cfg.ssl.clientKey, 'utf8')).toContain('RSA PRIVATE KEY');
    expect(statSync(cfg.ssl.clientKey).mode & 0o777).toBe(0o600);
  });

  it('refuses to send the token to a brain whose CA does not have the pinned fingerprint', async () => {
    const impostorCa = createCa({ commonName: 'Impostor CA' });
    const impostor = await api({
      ca: impostorCa,
      server: issueServerCert(impostorCa, { commonName: 'brain' }),
    });
    const cfg = config();
    const error = await failure(
      join(cfg, { token: newJoinToken(fingerprint).token, brainAddr: addr(impostor.address) }),
    );
    expect(error.code).toBe('fingerprint_mismatch');
    expect(error.message).toMatch(
      /not the one the token was made for: .*does not match the pinned .*refusing to send the token/,
    );
    expect(impostor.enrolments).toEqual([]);
    expect(existsSync(cfg.ssl.clientKey)).toBe(false);
  });

  it('refuses a server that shows the right CA but holds a certificate from another', async () => {
    const impostorCa = createCa({ commonName: 'Impostor CA' });
    const impostor = await api({
      ca: impostorCa,
      server: issueServerCert(impostorCa, { commonName: 'brain' }),
      servedCaPem: ca.certPem,
    });
    const error = await failure(
      join(config(), { token: newJoinToken(fingerprint).token, brainAddr: addr(impostor.address) }),
    );
    expect(error.code).toBe('untrusted_server');
    expect(impostor.enrolments).toEqual([]);
  });

  it("prints the brain's refusal with its code", async () => {
    const brain = await api();
    brain.refusal = {
      status: 409,
      code: 'join_token_used',
      message: 'join token abc was already used by node "x"',
    };
    const error = await failure(
      join(config(), { token: newJoinToken(fingerprint).token, brainAddr: addr(brain.address) }),
    );
    expect(error).toMatchObject({
      code: 'refused',
      message:
        'the brain refused the enrolment (409 join_token_used): join token abc was already used by node "x"',
    });
  });

  it('says when the name server or the API cannot be reached, or the token is malformed', async () => {
    const token = newJoinToken(fingerprint).token;
    const ns = await FakeNameServer.start();
    const nsPort = ns.port;
    await ns.close();
    const noNs = await failure(
      join(config(), { token, nameServer: { host: '127.0.0.1', port: nsPort - 1 } }),
    );
    expect(noNs.code).toBe('unreachable');
    expect(noNs.message).toContain('ECONNREFUSED');
    const noApi = await failure(join(config(), { token, brainAddr: addr(`127.0.0.1:${nsPort}`) }));
    expect(noApi).toMatchObject({
      code: 'unreachable',
      message: expect.stringContaining("cannot reach the brain's API"),
    });
    expect((await failure(join(config(), { token: 'nope', brainAddr: addr('127.0.0.1:1') }))).code).toBe(
      'bad_token',
    );
    expect((await failure(join(config(), { token }))).code).toBe('no_brain_address');
  });

  it('keeps an existing certificate unless --force', async () => {
    const brain = await api();
    const cfg = config();
    const token = newJoinToken(fingerprint).token;
    await join(cfg, { token, brainAddr: addr(brain.address) });
    writeFileSync(cfg.ssl.clientCert, 'keep me');
    const error = await failure(join(cfg, { token, brainAddr: addr(brain.address) }));
    expect(error).toMatchObject({
      code: 'already_enrolled',
      message: expect.stringContaining('use --force'),
    });
    expect(readFileSync(cfg.ssl.clientCert, 'utf8')).toBe('keep me');
    await join(cfg, { token, brainAddr: addr(brain.address), force: true });
    expect(readFileSync(cfg.ssl.clientCert, 'utf8')).toContain('BEGIN CERTIFICATE');
  });
});
