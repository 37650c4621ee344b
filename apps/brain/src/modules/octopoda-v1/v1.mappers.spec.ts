import { describe, expect, it } from 'vitest';
import type { Node } from '../../generated/prisma/client';
import { nilIfEmpty, parseTargetNodes, toV1NodeInfo, toV1Status } from './v1.mappers';

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
});
