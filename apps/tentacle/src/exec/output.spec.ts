import { describe, expect, it } from 'vitest';
import {
  CHUNK_DELAY_MS,
  CHUNK_MAX_BYTES,
  OutputStream,
  TailBuffer,
  utf8CompleteLength,
  utf8Tail,
  type BatchTimers,
  type OutputChunk,
} from './output';

/** Timers the test fires by hand. */
function manualTimers() {
  const pending = new Map<number, { callback: () => void; ms: number }>();
  let next = 0;
  const timers: BatchTimers = {
    set: (callback, ms) => {
      pending.set(++next, { callback, ms });
      return next;
    },
    clear: (handle) => void pending.delete(handle as number),
  };
  const fire = () => {
    const due = [...pending.entries()];
    pending.clear();
    for (const [, timer] of due) timer.callback();
    return due.map(([, timer]) => timer.ms);
  };
  return {
    timers,
    fire,
    get count() {
      return pending.size;
    },
  };
}

function stream() {
  const chunks: OutputChunk[] = [];
  const clock = manualTimers();
  const out = new OutputStream('stdout', (chunk) => chunks.push(chunk), clock.timers);
  return { chunks, clock, out };
}

const euro = Buffer.from('€'); // 3 bytes: e2 82 ac
const smile = Buffer.from('😀'); // 4 bytes

describe('utf8CompleteLength', () => {
  it('keeps whole text whole', () => {
    expect(utf8CompleteLength(Buffer.from('abc€😀'))).toBe(Buffer.byteLength('abc€😀'));
    expect(utf8CompleteLength(Buffer.alloc(0))).toBe(0);
  });

  it('stops before a character cut short, whatever its length', () => {
    expect(utf8CompleteLength(Buffer.concat([Buffer.from('ab'), euro.subarray(0, 1)]))).toBe(2);
    expect(utf8CompleteLength(Buffer.concat([Buffer.from('ab'), euro.subarray(0, 2)]))).toBe(2);
    expect(utf8CompleteLength(Buffer.concat([Buffer.from('a'), smile.subarray(0, 3)]))).toBe(1);
    expect(utf8CompleteLength(Buffer.from([0xc3]))).toBe(0);
  });

  it('leaves bytes that start no valid sequence to the decoder', () => {
    expect(utf8CompleteLength(Buffer.from([0x61, 0xff]))).toBe(2);
    expect(utf8CompleteLength(Buffer.from([0x80, 0x80, 0x80, 0x80]))).toBe(4);
    expect(utf8CompleteLength(Buffer.from([0x61, 0xf8]))).toBe(2);
  });
});

describe('utf8Tail and TailBuffer', () => {
  it('cuts the tail at a character boundary', () => {
    const text = Buffer.from('€€€');
    expect(utf8Tail(text, 9)).toBe('€€€');
    expect(utf8Tail(text, 7)).toBe('€€');
    expect(utf8Tail(text, 2)).toBe('');
  });

  it('keeps only the last bytes of a long stream', () => {
    const tail = new TailBuffer(10);
    for (let i = 0; i < 100; i++) tail.write(Buffer.from(`${i % 10}`));
    tail.write(Buffer.from('abcdefghij'));
    expect(tail.text()).toBe('abcdefghij');
    tail.write(Buffer.from('XY'));
    expect(tail.text()).toBe('cdefghijXY');
  });

  it('cuts at a character boundary after dropping bytes, even when exactly the limit is left', () => {
    const tail = new TailBuffer(9);
    // 27 bytes in 3 writes; compaction keeps exactly the last 9, which start on the last byte of a euro sign.
    const text = Buffer.from('x€€€€€€€€yy');
    for (let i = 0; i < 27; i += 9) tail.write(text.subarray(i, i + 9));
    expect(tail.text()).toBe('€€yy');
  });
});

describe('OutputStream', () => {
  it('batches small writes into one chunk after the delay', () => {
    const { chunks, clock, out } = stream();
    out.write(Buffer.from('hello '));
    out.write(Buffer.from('world\n'));
    expect(chunks).toEqual([]);
    expect(clock.fire()).toEqual([CHUNK_DELAY_MS]);
    expect(chunks).toEqual([{ stream: 'stdout', offset: 0, data: 'hello world\n' }]);
    out.write(Buffer.from('more'));
    clock.fire();
    expect(chunks[1]).toEqual({ stream: 'stdout', offset: 12, data: 'more' });
  });

  it('sends at once when a chunk is full, in chunks of at most the limit, offsets in bytes', () => {
    const { chunks, out } = stream();
    out.write(Buffer.alloc(CHUNK_MAX_BYTES * 2 + 5, 'x'));
    expect(chunks.map((c) => [c.offset, c.data.length])).toEqual([
      [0, CHUNK_MAX_BYTES],
      [CHUNK_MAX_BYTES, CHUNK_MAX_BYTES],
    ]);
    out.end();
    expect(chunks.at(-1)).toEqual({ stream: 'stdout', offset: 2 * CHUNK_MAX_BYTES, data: 'xxxxx' });
    expect(out.bytes).toBe(2 * CHUNK_MAX_BYTES + 5);
  });

  it('never splits a character between chunks, neither at the size limit nor across reads', () => {
    const { chunks, clock, out } = stream();
    // The limit falls inside the last euro sign.
    const body = Buffer.concat([Buffer.alloc(CHUNK_MAX_BYTES - 1, 'a'), euro]);
    out.write(body);
    expect(chunks[0].data).toBe('a'.repeat(CHUNK_MAX_BYTES - 1));
    clock.fire();
    expect(chunks[1]).toEqual({ stream: 'stdout', offset: CHUNK_MAX_BYTES - 1, data: '€' });

    // A smiley arriving in two reads.
    out.write(smile.subarray(0, 2));
    clock.fire();
    expect(chunks).toHaveLength(2);
    out.write(smile.subarray(2));
    clock.fire();
    expect(chunks[2]).toEqual({ stream: 'stdout', offset: CHUNK_MAX_BYTES + 2, data: '😀' });
    expect(chunks.map((c) => c.data).join('')).toBe(body.toString() + '😀');
  });

  it('sends a character cut short by the end of the stream as it is', () => {
    const { chunks, out } = stream();
    out.write(Buffer.concat([Buffer.from('ok'), euro.subarray(0, 2)]));
    out.end();
    expect(chunks.map((c) => c.data).join('')).toBe('ok\ufffd');
    expect(out.bytes).toBe(4);
  });

  it('stops its timer at the end and keeps the tail for the result', () => {
    const { clock, out } = stream();
    out.write(Buffer.from('abc'));
    expect(clock.count).toBe(1);
    out.end();
    expect(clock.count).toBe(0);
    expect(out.tailText()).toBe('abc');
  });
});
