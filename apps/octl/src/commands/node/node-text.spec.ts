import type { Node, NodeStatus } from '@octopod/sdk';
import { describe, expect, it } from 'vitest';
import { nodesToText, nodeToText, statusesToText } from './node-text';

const NOW = Date.parse('2024-06-18T12:00:00.000Z');
const GB = 1_073_741_824;

function node(overrides: Partial<Node>): Node {
  return {
    name: 'pi-1',
    version: '0.1.0',
    addr: '10.0.0.2:41000',
    state: 'online',
    connected: true,
    delayMs: 2.6,
    offsetMs: 0,
    onlineAt: new Date(NOW - 162_480).toISOString(),
    offlineAt: null,
    lastActiveAt: new Date(NOW - 500).toISOString(),
    createdAt: '2024-06-01T00:00:00.000Z',
    ...overrides,
  };
}

function status(overrides: Partial<NodeStatus>): NodeStatus {
  return {
    name: 'pi-1',
    platform: 'Cortex-A72',
    cpuCores: 4,
    localTime: '2024-06-18T20:00:01.5+08:00',
    cpuLoadShort: 12.34,
    cpuLoadLong: 5,
    memUsed: 1 * GB,
    memTotal: 4 * GB,
    diskUsed: 10 * GB,
    diskTotal: 40 * GB,
    ...overrides,
  };
}

describe('nodeToText (Octopoda NodeInfoText)', () => {
  it('shows delay and online time for an online node, in Go struct key order', () => {
    const text = nodeToText(node({}), NOW);
    expect(text).toEqual({
      name: 'pi-1',
      version: '0.1.0',
      addr: '10.0.0.2:41000',
      state: 'online',
      delay: '3ms',
      online_time: '2m42.48s',
    });
    expect(Object.keys(text)).toEqual(['name', 'version', 'addr', 'state', 'delay', 'online_time']);
  });

  it('shows last activity, in local time, for an unstable node and no delay', () => {
    const lastActive = new Date(2024, 5, 18, 9, 8, 7); // local time, so the expectation holds in any zone
    const text = nodeToText(node({ state: 'unstable', lastActiveAt: lastActive.toISOString() }), NOW);
    expect(text).toEqual({
      name: 'pi-1',
      version: '0.1.0',
      addr: '10.0.0.2:41000',
      state: 'unstable',
      delay: '-',
      last_active: '2024-06-18 09:08:07',
    });
  });

  it('shows time since going offline, never negative', () => {
    expect(
      nodeToText(
        node({ state: 'offline', connected: false, offlineAt: new Date(NOW - 3_723_000).toISOString() }),
        NOW,
      ),
    ).toMatchObject({
      delay: '-',
      offline_time: '1h2m3s',
    });
    expect(
      nodeToText(node({ state: 'offline', offlineAt: new Date(NOW + 1_000).toISOString() }), NOW)
        .offline_time,
    ).toBe('0s');
  });
});

describe('nodesToText (Octopoda NodesInfoText)', () => {
  it('names the brain by its name, sorts by name and counts online/offline (unstable only in total)', () => {
    const text = nodesToText(
      { name: 'brain', version: '0.1.0', addr: '127.0.0.1:12345' },
      [
        node({ name: 'pi-3', state: 'offline', offlineAt: new Date(NOW).toISOString() }),
        node({ name: 'pi-1' }),
        node({ name: 'pi-2', state: 'unstable' }),
      ],
      NOW,
    );
    expect(text.brain).toEqual({ name: 'brain', version: '0.1.0', addr: '127.0.0.1:12345' });
    expect(text.nodes.map((n) => n.name)).toEqual(['pi-1', 'pi-2', 'pi-3']);
    expect([text.total, text.online, text.offline]).toEqual([3, 1, 1]);
  });
});

describe('statusesToText (Octopoda NodesStatusText)', () => {
  it('formats each status like Go and averages as Octopoda does', () => {
    const text = statusesToText([status({ name: 'pi-2', cpuLoadLong: 10, memUsed: 3 * GB }), status({})]);
    expect(text).toEqual({
      nodes: [
        {
          name: 'pi-1',
          platform: 'Cortex-A72',
          cpu_cores: 4,
          local_time: '2024-06-18 20:00:01',
          cpu_average1: ' 12.3%',
          cpu_average10: '  5.0%',
          memory_usage: ' 25.0%: (1.00GB / 4.00GB)',
          disk_usage: ' 25.0%: (10.00GB / 40.00GB)',
        },
        expect.objectContaining({
          name: 'pi-2',
          cpu_average10: ' 10.0%',
          memory_usage: ' 75.0%: (3.00GB / 4.00GB)',
        }),
      ],
      average_cpuload: '  7.5%',
      average_memoryusage: ' 50.0%',
      average_diskusage: ' 25.0%',
    });
  });

  it('prints NaN averages for no nodes, as Go does', () => {
    expect(statusesToText([])).toEqual({
      nodes: [],
      average_cpuload: '  NaN%',
      average_memoryusage: '  NaN%',
      average_diskusage: '  NaN%',
    });
  });
});
