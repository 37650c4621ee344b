import type { TaskOutputChunk } from '@octopod/sdk';
import { describe, expect, it } from 'vitest';
import { LiveOutput, prefixLines } from './live-output';

function terminal(isTTY = true) {
  const writes: string[] = [];
  return {
    writes,
    stdout: () =>
      writes
        .filter((w) => w.startsWith('out:'))
        .map((w) => w.slice(4))
        .join(''),
    stderr: () =>
      writes
        .filter((w) => w.startsWith('err:'))
        .map((w) => w.slice(4))
        .join(''),
    write: (t: string) => void writes.push(`out:${t}`),
    writeErr: (t: string) => void writes.push(`err:${t}`),
    isTTY,
  };
}

const chunk = (node: string, data: string, stream: 'stdout' | 'stderr' = 'stdout'): TaskOutputChunk => ({
  invocationId: `inv-${node}`,
  node,
  stream,
  data,
});

describe('prefixLines', () => {
  it('prefixes every line and ends the last one', () => {
    expect(prefixLines('pi-1', 'a\nb\n')).toBe('[pi-1] a\n[pi-1] b\n');
    expect(prefixLines('pi-1', 'a\n\nb')).toBe('[pi-1] a\n[pi-1] \n[pi-1] b\n');
    expect(prefixLines('pi-1', '')).toBe('');
  });
});

describe('LiveOutput', () => {
  it('holds partial lines per node and stream until their newline, so nodes never interleave mid-line', () => {
    const term = terminal();
    const live = new LiveOutput(term, { total: 2, progress: false, now: () => 0 });
    live.output(chunk('pi-1', 'hel'));
    live.output(chunk('pi-2', 'other\nhalf'));
    live.output(chunk('pi-1', 'lo\nwor'));
    live.output(chunk('pi-1', 'oops\n', 'stderr'));
    expect(term.stdout()).toBe('[pi-2] other\n[pi-1] hello\n');
    expect(term.stderr()).toBe('[pi-1] oops\n');
    live.finish();
    expect(term.stdout()).toBe('[pi-2] other\n[pi-1] hello\n[pi-2] half\n[pi-1] wor\n');
    expect(live.hasStreamed('inv-pi-1')).toBe(true);
    expect(live.hasStreamed('inv-pi-3')).toBe(false);
  });

  it('keeps one progress line below the output, throttled, and removes it at the end', () => {
    const term = terminal();
    let now = 0;
    const live = new LiveOutput(term, { total: 30, progress: true, now: () => now });
    live.progress(1, 0);
    live.progress(2, 1); // within 100 ms: not drawn
    now = 150;
    live.progress(3, 1);
    live.output(chunk('pi-1', 'line\n'));
    live.progress(30, 2); // the last one is always drawn
    live.finish();
    expect(term.writes).toEqual([
      'out:1/30 done',
      'out:\r\u001b[K',
      'out:3/30 done, 1 failed',
      'out:\r\u001b[K',
      'out:[pi-1] line\n',
      'out:3/30 done, 1 failed',
      'out:\r\u001b[K',
      'out:30/30 done, 2 failed',
      'out:\r\u001b[K',
    ]);
  });

  it('draws no progress line when not asked', () => {
    const term = terminal();
    const live = new LiveOutput(term, { total: 30, progress: false, now: () => 0 });
    live.progress(5, 0);
    live.finish();
    expect(term.writes).toEqual([]);
  });
});
