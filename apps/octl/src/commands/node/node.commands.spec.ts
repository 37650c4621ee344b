import { describe, expect, it } from 'vitest';
import { OctlError } from '../../errors';
import type { OutputSink, View } from '../../output/output';
import { OctopodApiError } from '@octopod/sdk';
import { NOW, sampleFleet } from './fake-brain.helper-spec';
import { nodeGet } from './get.command';
import type { NodeInfoText, NodesInfoText, NodesStatusText } from './node-text';
import { nodePrune, type PruneReport } from './prune.command';
import { nodeStatus } from './status.command';

function sink(): OutputSink & { views: View[] } {
  const views: View[] = [];
  return { views, print: (view) => views.push(view) };
}

async function failure(promise: Promise<unknown>): Promise<OctlError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OctlError);
  return error as OctlError;
}

describe('node get', () => {
  it('lists every node, sorted, as Octopoda NodesInfoText', async () => {
    const out = sink();
    await nodeGet(sampleFleet(), { targets: [], now: NOW }, out);
    const text = out.views[0].data as NodesInfoText;
    expect(text.nodes.map((n: NodeInfoText) => [n.name, n.state, n.delay])).toEqual([
      ['pi-1', 'online', '3ms'],
      ['pi-2', 'online', '4ms'],
      ['pi-3', 'unstable', '-'],
      ['pi-4', 'offline', '-'],
    ]);
    expect(text.nodes[3].offline_time).toBe('1m0s');
    expect([text.total, text.online, text.offline]).toEqual([4, 2, 1]);
    expect(out.views[0].table().split('\n')).toEqual([
      'NAME  STATE     DELAY  VERSION  ADDR            SINCE',
      'pi-1  online    3ms    0.1.0    10.0.0.4:41000  2m42.48s',
      'pi-2  online    4ms    0.1.0    10.0.0.4:41000  2m42.48s',
      'pi-3  unstable  -      0.1.0    10.0.0.4:41000  2024-06-18 09:08:07',
      'pi-4  offline   -      0.1.0    10.0.0.4:41000  1m0s',
      '4 nodes: 2 online, 1 offline (brain brain 0.1.0 at 127.0.0.1:12345)',
    ]);
  });

  it('resolves targets, silently dropping unknown ones', async () => {
    const fleet = sampleFleet();
    const out = sink();
    await nodeGet(fleet, { targets: ['@lab', 'ghost', 'pi-1'], now: NOW }, out);
    expect((out.views[0].data as NodesInfoText).nodes.map((n) => n.name)).toEqual([
      'pi-1',
      'pi-2',
      'pi-3',
      'pi-4',
    ]);
    await nodeGet(fleet, { targets: ['ghost'], now: NOW }, out);
    expect((out.views[1].data as NodesInfoText).total).toBe(0);
    expect(fleet.calls).toContain('resolveNodes @lab ghost pi-1');
  });

  it('filters by a case-insensitive substring of the state and counts what it shows', async () => {
    const out = sink();
    await nodeGet(sampleFleet(), { targets: [], stateFilter: 'LINE', now: NOW }, out);
    const text = out.views[0].data as NodesInfoText;
    expect(text.nodes.map((n) => n.state)).toEqual(['online', 'online', 'offline']);
    expect([text.total, text.online, text.offline]).toEqual([3, 2, 1]);
  });
});

describe('node status', () => {
  it('shows every healthy node when no target is given, skipping unhealthy ones', async () => {
    const out = sink();
    await nodeStatus(sampleFleet(), [], out);
    const text = out.views[0].data as NodesStatusText;
    expect(text.nodes.map((n) => n.name)).toEqual(['pi-1', 'pi-2']);
    expect(text.average_cpuload).toBe('  5.0%');
    expect(out.views[0].table()).toContain('average: cpu 5.0%, memory 25.0%, disk 25.0%');
  });

  it('includes the brain when asked by name, without resolving it', async () => {
    const fleet = sampleFleet();
    const out = sink();
    await nodeStatus(fleet, ['brain'], out);
    expect((out.views[0].data as NodesStatusText).nodes.map((n) => n.name)).toEqual(['brain']);
    expect(fleet.calls).toEqual(['getNodeStatus brain']);
    await nodeStatus(fleet, ['pi-1', 'brain'], out);
    expect((out.views[1].data as NodesStatusText).nodes.map((n) => n.name)).toEqual(['brain', 'pi-1']);
  });

  it('names unknown targets and unhealthy nodes named directly', async () => {
    const out = sink();
    expect((await failure(nodeStatus(sampleFleet(), ['pi-1', 'ghost', '@nope'], out))).message).toBe(
      'unknown nodes or groups: ghost, @nope',
    );
    expect((await failure(nodeStatus(sampleFleet(), ['pi-3', 'pi-1'], out))).message).toMatch(
      /^not healthy: pi-3 /,
    );
    expect(out.views).toEqual([]);
    await nodeStatus(sampleFleet(), ['@lab'], out);
    expect((out.views[0].data as NodesStatusText).nodes.map((n) => n.name)).toEqual(['pi-2']);
  });

  it('prints what it got and fails naming the nodes that did not answer', async () => {
    const fleet = sampleFleet();
    fleet.failingStatus.set('pi-2', new OctopodApiError(504, 'node_timeout', 'pi-2 did not answer'));
    const out = sink();
    const error = await failure(nodeStatus(fleet, [], out));
    expect(error.message).toBe('no status from pi-2 (node_timeout)');
    expect((out.views[0].data as NodesStatusText).nodes.map((n) => n.name)).toEqual(['pi-1']);
  });
});

describe('node prune', () => {
  it('prunes offline nodes reached through a group and skips the rest quietly', async () => {
    const fleet = sampleFleet();
    const out = sink();
    await nodePrune(fleet, ['@lab'], out);
    expect(out.views[0].data).toEqual({
      pruned: ['pi-4'],
      refused: [],
      skipped: ['pi-2', 'pi-3'],
      unknown: [],
    });
    expect(fleet.nodes.map((n) => n.name)).not.toContain('pi-4');
    expect(fleet.calls).not.toContain('pruneNode pi-2'); // online nodes are not even asked
  });

  it('refuses named nodes that are not offline, reports unknown ones, and fails', async () => {
    const fleet = sampleFleet();
    const out = sink();
    const error = await failure(nodePrune(fleet, ['pi-1', 'pi-3', 'pi-4', 'ghost'], out));
    const report = out.views[0].data as PruneReport;
    expect(report).toEqual({
      pruned: ['pi-4'],
      refused: [
        { name: 'pi-1', reason: 'node is online' },
        { name: 'pi-3', reason: 'node pi-3 is unstable' },
      ],
      skipped: [],
      unknown: ['ghost'],
    });
    expect(error.message).toBe(
      'not pruned: pi-1 (node is online), pi-3 (node pi-3 is unstable), ghost (unknown)',
    );
    expect(out.views[0].table().split('\n')).toEqual([
      'NAME   RESULT',
      'pi-4   pruned',
      'pi-1   refused: node is online',
      'pi-3   refused: node pi-3 is unstable',
      'ghost  unknown',
    ]);
  });
});
