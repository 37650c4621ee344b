import { describe, expect, it } from 'vitest';
import type { ScenarioVersion } from '../../generated/prisma/client';
import type { NodeAppView } from '../scenarios/nodeapps.service';
import type { ExecutionResult } from './execution-result';
import { goDateTime } from './go-time';
import {
  asResetResult,
  isNodeAppName,
  isVersionHash,
  pageQuery,
  toV1NodeAppDigest,
  toV1NodeAppInfo,
  toV1ScenarioDigest,
  toV1ScenarioInfo,
  toV1ScenarioVersion,
} from './scenario.v1.mappers';

const at = (y: number, mo: number, d: number, h: number, mi: number, s: number) =>
  new Date(y, mo - 1, d, h, mi, s, 789);

const version = (over: Partial<ScenarioVersion> = {}): ScenarioVersion => ({
  id: 1n,
  scenario: 'demo',
  hash: 'a'.repeat(40),
  message: 'first',
  snapshot: [
    { name: 'web', description: 'the web', nodeApps: [{ node: 'pi1', version: 'c0ffee' }] },
    { name: 'db', description: 'the db', nodeApps: [] },
  ],
  stepKey: null,
  createdAt: at(2024, 3, 9, 7, 5, 3),
  ...over,
});

const view = (over: Partial<NodeAppView> = {}): NodeAppView => ({
  app: 'web',
  scenario: 'demo',
  head: 'h2',
  dirty: false,
  description: 'the web',
  versions: [
    { hash: 'h2', time: at(2024, 3, 9, 8, 0, 0).getTime(), message: 'second' },
    { hash: 'h1', time: at(2024, 3, 9, 7, 0, 0).getTime(), message: 'first' },
  ],
  ...over,
});

const entry = (over: Partial<ExecutionResult>): ExecutionResult => ({
  Name: 'pi1:web@demo',
  Code: 0,
  CommunicationErrorMsg: '',
  ProcessErrorMsg: '',
  Result: '',
  ResultCompatible: '',
  ...over,
});

describe('Octopoda v1 scenario mapping', () => {
  it("formats times as Go's 2006-01-02 15:04:05 in local time, whole seconds", () => {
    expect(goDateTime(at(2024, 3, 9, 7, 5, 3).getTime())).toBe('2024-03-09 07:05:03');
    expect(goDateTime(at(1999, 12, 31, 23, 59, 59).getTime())).toBe('1999-12-31 23:59:59');
  });

  it('renders a version as {Time, Hash, Msg}', () => {
    expect(toV1ScenarioVersion(version())).toEqual({
      Time: '2024-03-09 07:05:03',
      Hash: 'a'.repeat(40),
      Msg: 'first',
    });
  });

  it("renders a scenario digest in Octopoda's key order; without a version, Go's zero values", () => {
    const digest = toV1ScenarioDigest({ name: 'demo', description: 'd' }, version());
    expect(Object.keys(digest)).toEqual(['Name', 'Description', 'Version', 'Timestamp', 'Message']);
    expect(digest).toEqual({
      Name: 'demo',
      Description: 'd',
      Version: 'a'.repeat(40),
      Timestamp: '2024-03-09 07:05:03',
      Message: 'first',
    });
    expect(toV1ScenarioDigest({ name: 'demo', description: 'd' }, undefined)).toEqual({
      Name: 'demo',
      Description: 'd',
      Version: '',
      Timestamp: goDateTime(0),
      Message: '',
    });
  });

  it("renders a scenario's apps from its latest version as (node - hash); none before the first version", () => {
    const info = toV1ScenarioInfo({ name: 'demo', description: 'd' }, version());
    expect(Object.keys(info)).toEqual(['Name', 'Description', 'Version', 'Timestamp', 'Message', 'Apps']);
    expect(info.Apps).toEqual([
      { Name: 'web', Description: 'the web', NodeApps: ['(pi1 - c0ffee)'] },
      { Name: 'db', Description: 'the db', NodeApps: [] },
    ]);
    expect(toV1ScenarioInfo({ name: 'demo', description: 'd' }, undefined).Apps).toBeNull();
  });

  it("renders a node's nodeapps with Octopoda's Discription and the newest version as CurVersion", () => {
    expect(toV1NodeAppDigest(view())).toEqual({
      Name: 'web@demo',
      Discription: 'the web',
      CurVersion: { Time: '2024-03-09 08:00:00', Hash: 'h2', Msg: 'second' },
    });
    expect(toV1NodeAppDigest(view({ versions: [] })).CurVersion).toEqual({
      Time: goDateTime(0),
      Hash: '',
      Msg: '',
    });
  });

  it('renders one nodeapp with its versions newest first, null when it has none', () => {
    expect(toV1NodeAppInfo(view())).toEqual({
      Name: 'web@demo',
      Discription: 'the web',
      Versions: [
        { Time: '2024-03-09 08:00:00', Hash: 'h2', Msg: 'second' },
        { Time: '2024-03-09 07:00:00', Hash: 'h1', Msg: 'first' },
      ],
    });
    expect(toV1NodeAppInfo(view({ versions: [] })).Versions).toBeNull();
  });

  it("puts the tentacle's Rmsg in a reset's Result: OK, or why it failed", () => {
    expect(asResetResult(entry({}))).toMatchObject({ Code: 0, Result: 'OK' });
    expect(asResetResult(entry({ Code: 2, ProcessErrorMsg: 'no version beef' }))).toMatchObject({
      Code: 2,
      Result: 'no version beef',
    });
    expect(asResetResult(entry({ Code: 1, CommunicationErrorMsg: 'not sent' })).Result).toBe('not sent');
  });

  it('reads offset and limit as Go does: defaults 0 and 5, the bad one named', () => {
    expect(pageQuery(undefined, undefined)).toEqual({ offset: 0, limit: 5 });
    expect(pageQuery('', '')).toEqual({ offset: 0, limit: 5 });
    expect(pageQuery('2', '+3')).toEqual({ offset: 2, limit: 3 });
    expect(pageQuery('-1', '1')).toEqual({ offset: -1, limit: 1 });
    expect(pageQuery('x', '1')).toEqual({ bad: 'offset=x' });
    expect(pageQuery('0', '1.5')).toEqual({ bad: 'limit=1.5' });
  });

  it('knows nodeapp names and version hashes', () => {
    expect(isNodeAppName('hello-World_1.0')).toBe(true);
    expect(isNodeAppName('')).toBe(false);
    expect(isNodeAppName('a/b')).toBe(false);
    expect(isNodeAppName('a@b')).toBe(false);
    expect(isVersionHash('0123456789abcdef0123456789abcdef01234567')).toBe(true);
    expect(isVersionHash('nothing changed: no new version')).toBe(false);
    expect(isVersionHash(null)).toBe(false);
  });
});
