import type { Invocation } from '@octopod/sdk';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Terminal } from '../../context';
import { bytesText, transferView } from './transfer-view';

function terminal(isTTY: boolean): Terminal & { out: string; err: string } {
  const t = {
    out: '',
    err: '',
    isTTY,
    write: (text: string) => void (t.out += text),
    writeErr: (text: string) => void (t.err += text),
  };
  return t;
}

const invocation = (node: string, state: Invocation['state'], error: string | null = null): Invocation => ({
  id: `inv-${node}`,
  node,
  state,
  acceptedAt: null,
  startedAt: null,
  endedAt: null,
  exitCode: null,
  pid: null,
  stdout: '',
  stderr: '',
  output: '',
  error,
});

describe('transfer view', () => {
  // cli-progress redraws on a timer.
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('writes sizes in binary units', () => {
    expect([0, 512, 1536, 10 * 1024 ** 2, 3.25 * 1024 ** 3, NaN].map(bytesText)).toEqual([
      '0 B',
      '512 B',
      '1.5 KiB',
      '10.0 MiB',
      '3.3 GiB',
      '?',
    ]);
  });

  it('off a terminal, tells each finished node once, on stderr', () => {
    const t = terminal(false);
    const view = transferView(t, { now: () => 0, nodeTotal: 10, nodeLines: true });
    view.local('upload', 5, 10);
    view.nodes([invocation('pi-1', 'running'), invocation('pi-2', 'pending')]);
    view.nodes([invocation('pi-1', 'success'), invocation('pi-2', 'failed', 'target path not exist')]);
    view.nodes([invocation('pi-1', 'success'), invocation('pi-2', 'failed', 'target path not exist')]);
    view.stop();
    expect(t.out).toBe('');
    expect(t.err).toBe('[pi-1] OK\n[pi-2] failed: target path not exist\n');
  });

  it('prints nothing off a terminal when asked for no lines (downloads)', () => {
    const t = terminal(false);
    const view = transferView(t, { now: () => 0, nodeTotal: 0, nodeLines: false });
    view.nodes([invocation('pi-1', 'success')]);
    expect(t.out + t.err).toBe('');
  });

  it('on a terminal, draws a bar per transfer with its rate and state, and clears them at the end', () => {
    const t = terminal(true);
    let now = 0;
    const view = transferView(t, { now: () => now, nodeTotal: 4 * 1024 ** 2, nodeLines: true });
    view.local('upload', 0, 4 * 1024 ** 2);
    now = 2000;
    view.local('upload', 4 * 1024 ** 2, 4 * 1024 ** 2);
    view.nodes([invocation('pi-1', 'running')]);
    view.nodeProgress({ invocationId: 'inv-pi-1', node: 'pi-1', bytes: 1024 ** 2, total: 4 * 1024 ** 2 });
    vi.advanceTimersByTime(200);
    view.stop();
    view.stop();
    const text = t.out.replace(/\u001b\[[0-9;?]*[A-Za-z]|\u001b[78]/g, '');
    expect(text).toContain('upload         [####################] 100% 4.0 MiB/4.0 MiB       2.0 MiB/s done');
    expect(text).toContain(
      'pi-1           [#####---------------]  25% 1.0 MiB/4.0 MiB           0 B/s running',
    );
    expect(t.out.endsWith('\u001b[0J')).toBe(true); // cleared below the cursor: nothing left of the bars
    expect(t.err).toBe('');
  });

  it('shows a total not known yet (a pull before the node has said) as ?', () => {
    const t = terminal(true);
    const view = transferView(t, { now: () => 0, nodeTotal: 0, nodeLines: false });
    view.nodes([invocation('pi-1', 'pending')]);
    vi.advanceTimersByTime(200);
    view.stop();
    expect(t.out).toContain('0 B/?');
  });

  it('groups the nodes in one bar above 20 of them', () => {
    const t = terminal(true);
    const view = transferView(t, { now: () => 0, nodeTotal: 100, nodeLines: true });
    const many = Array.from({ length: 25 }, (_, i) => invocation(`n-${i}`, i < 3 ? 'success' : 'running'));
    view.nodes(many);
    view.nodeProgress({ invocationId: 'inv-n-0', node: 'n-0', bytes: 100, total: 100 });
    vi.advanceTimersByTime(200);
    view.stop();
    const text = t.out.replace(/\u001b\[[0-9;?]*[A-Za-z]|\u001b[78]/g, '');
    expect(text).toContain('25 nodes');
    expect(text).toContain('3/25 done');
    expect(text).not.toContain('n-1 ');
  });
});
