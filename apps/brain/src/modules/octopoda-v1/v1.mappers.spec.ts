import { describe, expect, it } from 'vitest';
import type { Node } from '../../generated/prisma/client';
import { ApiError, V1Reply } from '../../core/http/api-error';
import {
  formField,
  goAtoi,
  nilIfEmpty,
  orV1,
  parseTargetNodes,
  toV1NodeInfo,
  toV1Status,
  v1Result,
} from './v1.mappers';

const node = (over: Partial<Node>): Node => ({
  name: 'pi-1',
  version: '0.1.0',
  addr: '10.0.0.2',
  state: 'online',
  connected: true,
  holder: 'x/y',
  delayMs: 1.6,
  offsetMs: 0.2,
  offsetErrorMs: 0.5,
  onlineAt: new Date(1_000),
  offlineAt: null,
  lastActiveAt: new Date(5_000),
  facts: null,
  lastStatus: null,
  lastStatusAt: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...over,
});

describe('Octopoda v1 mapping', () => {
  it('renders NodeInfo with PascalCase keys, ms timestamps and BrainTs in seconds', () => {
    expect(toV1NodeInfo(node({}), 7_500)).toEqual({
      Name: 'pi-1',
      Version: '0.1.0',
      Addr: '10.0.0.2',
      State: 0,
      ConnState: 0,
      Delay: 2,
      OnlineTs: 1_000,
      OfflineTs: 0,
      ActiveTs: 5_000,
      BrainTs: 7,
    });
  });

  it('reports no delay for a node that is not online', () => {
    const info = toV1NodeInfo(node({ state: 'offline', connected: false, offlineAt: new Date(6_000) }));
    expect(info).toMatchObject({ State: 2, ConnState: 1, Delay: 0, OfflineTs: 6_000 });
  });

  it('parses targetNodes as a JSON array of strings', () => {
    expect(parseTargetNodes('["a","b"]')).toEqual(['a', 'b']);
    expect(parseTargetNodes('[]')).toEqual([]);
    expect(parseTargetNodes('null')).toEqual([]);
    expect(parseTargetNodes('a,b')).toBeNull();
    expect(parseTargetNodes('[1]')).toBeNull();
    expect(parseTargetNodes(undefined)).toBeNull();
  });

  it('renders Status with PascalCase keys and nil lists as null', () => {
    const status = toV1Status({
      name: 'n',
      platform: 'p',
      cpuCores: 2,
      localTime: 't',
      cpuLoadShort: 1,
      cpuLoadLong: 2,
      memUsed: 3,
      memTotal: 4,
      diskUsed: 5,
      diskTotal: 6,
    });
    expect(Object.keys(status)).toEqual([
      'Name',
      'Platform',
      'CpuCores',
      'LocalTime',
      'CpuLoadShort',
      'CpuLoadLong',
      'MemUsed',
      'MemTotal',
      'DiskUsed',
      'DiskTotal',
    ]);
    expect(nilIfEmpty([])).toBeNull();
    expect(nilIfEmpty(['a'])).toEqual(['a']);
  });

  it("reads numbers as Go's Atoi and form fields as Go's PostForm", () => {
    expect([goAtoi('7'), goAtoi('-2'), goAtoi('+3'), goAtoi('1e3'), goAtoi(''), goAtoi(' 1')]).toEqual([
      7,
      -2,
      3,
      null,
      null,
      null,
    ]);
    expect(formField({ a: 'x', b: ['y', 'z'], c: 3 }, 'a')).toBe('x');
    expect(formField({ a: 'x', b: ['y', 'z'], c: 3 }, 'b')).toBe('y');
    expect(formField({ c: 3 }, 'c')).toBe('');
    expect(formField(undefined, 'a')).toBe('');
  });

  it("answers a service's ApiError in Octopoda's shape: the route's answer, else ERROR: <message>", async () => {
    const failing = () => Promise.reject(ApiError.notFound('scenario_not_found', 'no scenario x'));
    const mine = new V1Reply(404, v1Result('ERROR: Scenario Not Exists'));
    await expect(orV1(failing(), () => mine)).rejects.toBe(mine);
    const fallback = await orV1(failing()).catch((error: V1Reply) => error);
    expect([fallback.getStatus(), fallback.payload]).toEqual([404, v1Result('ERROR: no scenario x')]);
    const other = new Error('db down');
    await expect(orV1(Promise.reject(other))).rejects.toBe(other);
    await expect(orV1(Promise.resolve(5))).resolves.toBe(5);
  });
});
