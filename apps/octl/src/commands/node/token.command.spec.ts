import { describe, expect, it } from 'vitest';
import type { OutputSink, View } from '../../output/output';
import { sampleFleet } from './fake-brain.helper-spec';
import { nodeRevoke } from './revoke.command';
import { joinCommand, nodeTokenCreate, nodeTokenLs, parseTtl } from './token.command';

function sink(): OutputSink & { views: View[] } {
  const views: View[] = [];
  return { views, print: (view) => views.push(view) };
}

describe('node token', () => {
  it('reads --ttl as seconds, or s/m/h/d durations and their combinations', () => {
    expect(parseTtl('90')).toBe(90);
    expect(parseTtl('90s')).toBe(90);
    expect(parseTtl('30m')).toBe(1800);
    expect(parseTtl('1h')).toBe(3600);
    expect(parseTtl('1h30m')).toBe(5400);
    expect(parseTtl('7d')).toBe(604800);
    for (const bad of ['', '1x', 'h', '1h 30m', '-5m', '1.5h']) {
      expect(() => parseTtl(bad), bad).toThrow(/--ttl: expected a duration/);
    }
  });

  it('prints a tentacle join line through the name server octl uses, or the API address', () => {
    const ns = { host: '10.0.0.1', port: 3455 };
    expect(joinCommand('T', { brainName: 'lab', nameServer: ns })).toBe(
      'tentacle join --nameserver 10.0.0.1:3455 --brain lab --token T',
    );
    expect(joinCommand('T', { brainName: 'lab', nameServer: { ...ns, httpPort: 3456 } })).toBe(
      'tentacle join --nameserver 10.0.0.1:3455 --brain lab --token T',
    );
    expect(joinCommand('T', { brainName: 'lab', nameServer: { ...ns, httpPort: 8080 } })).toBe(
      'tentacle join --nameserver 10.0.0.1:3455 --nameserver-http-port 8080 --brain lab --token T',
    );
    expect(joinCommand('T', { brainName: 'brain', apiAddress: '10.0.0.2:12345' })).toBe(
      'tentacle join --brain-addr 10.0.0.2:12345 --token T',
    );
  });

  it('creates a token with the ttl and name asked for and shows it with the join line', async () => {
    const brain = sampleFleet();
    const out = sink();
    await nodeTokenCreate(
      brain,
      { ttl: '30m', name: 'pi-9' },
      { brainName: 'brain', apiAddress: '1.2.3.4:5' },
      out,
    );
    expect(brain.calls).toEqual(['createJoinToken {"ttlSeconds":1800,"name":"pi-9"}']);
    const data = out.views[0].data as { token: string; join: string };
    expect(data.join).toBe(`tentacle join --brain-addr 1.2.3.4:5 --token ${data.token}`);
    const lines = out.views[0].table().split('\n');
    expect(lines[0]).toBe(data.token);
    expect(lines[2]).toContain('only for node pi-9');
    expect(lines[4]).toBe(`  ${data.join}`);
  });

  it('lists usable tokens, or says there are none', async () => {
    const brain = sampleFleet();
    const out = sink();
    await nodeTokenLs(brain, out);
    expect(out.views[0].table()).toBe('no usable join tokens');
    await nodeTokenCreate(brain, {}, { brainName: 'brain', apiAddress: 'x:1' }, sink());
    await nodeTokenLs(brain, out);
    expect(out.views[1].table().split('\n')[0]).toMatch(/^ID\s+NODE\s+EXPIRES\s+CREATED BY$/);
    expect(out.views[1].table()).toContain('(any)');
  });
});

describe('node revoke', () => {
  it('revokes and says whether a connection was closed and how the node can come back', async () => {
    const brain = sampleFleet();
    const out = sink();
    await nodeRevoke(brain, 'pi-1', out);
    expect(brain.calls).toEqual(['revokeNode pi-1']);
    expect(out.views[0].table()).toMatch(/^revoked pi-1 at .*: its connection was closed; .*--name pi-1/);
    await nodeRevoke(brain, 'pi-4', out);
    expect(out.views[1].table()).toContain('it was not connected');
    await expect(nodeRevoke(brain, 'ghost', out)).rejects.toThrow(/no node named ghost/);
  });
});
