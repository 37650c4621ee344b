import { randomUUID } from 'node:crypto';
import { PassThrough, Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TunnelTable } from './tunnel-table';
import type { TunnelLink } from './tunnel-end';
import { decodeTunnelFrame, tunnelHeader } from './tunnel-frame';

/** A local stream: what the end writes shows up in `written`; `feed` is what the end reads. */
function localStream() {
  const written: Buffer[] = [];
  const feed = new PassThrough();
  let ended = false;
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, done) {
      written.push(chunk);
      done();
    },
    final(done) {
      ended = true;
      done();
    },
  });
  feed.on('data', (chunk: Buffer) => stream.push(chunk));
  feed.on('end', () => stream.push(null));
  return { stream, feed, written, ended: () => ended };
}

/** Two tables joined by an in-memory link, as brain and tentacle are by the WebSocket. */
function pair(options: { dropAcks?: boolean } = {}) {
  const sent = { data: 0, acks: 0 };
  const tables: { a?: TunnelTable; b?: TunnelTable } = {};
  const linkTo = (other: () => TunnelTable): TunnelLink => ({
    sendData: (header, payload) => {
      sent.data += payload.length;
      other().receiveBinary(Buffer.concat([header, payload]));
    },
    sendAck: (body) => {
      sent.acks += 1;
      if (!options.dropAcks) other().ack(body);
    },
    sendClose: (body) => other().close(body),
  });
  const a = (tables.a = new TunnelTable(linkTo(() => tables.b as TunnelTable)));
  const b = (tables.b = new TunnelTable(linkTo(() => a)));
  return { a, b, sent };
}

describe('tunnel frames', () => {
  it('carry the id and payload, and are told apart from other frames', () => {
    const id = randomUUID();
    const frame = Buffer.concat([tunnelHeader(id), Buffer.from('ssh bytes')]);
    expect(decodeTunnelFrame(frame)).toEqual({ tunnelId: id, payload: Buffer.from('ssh bytes') });
    expect(decodeTunnelFrame(Buffer.from([1, 2, 3]))).toBeUndefined();
    const chunk = Buffer.alloc(40, 0);
    chunk[0] = 1;
    expect(decodeTunnelFrame(chunk)).toBeUndefined();
  });
});

describe('tunnel tables', () => {
  it('carry bytes both ways in order and close both ends when one ends', async () => {
    const { a, b } = pair();
    const id = randomUUID();
    const left = localStream();
    const right = localStream();
    const ended: (string | undefined)[] = [];
    a.open(id, left.stream, { onEnd: (reason) => ended.push(reason) });
    b.open(id, right.stream);
    left.feed.write('hello ');
    left.feed.write('node');
    right.feed.write('hello brain');
    await new Promise((resolve) => setImmediate(resolve));
    expect(Buffer.concat(right.written).toString()).toBe('hello node');
    expect(Buffer.concat(left.written).toString()).toBe('hello brain');
    right.feed.end();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(left.ended()).toBe(true);
    expect(a.size).toBe(0);
    expect(b.size).toBe(0);
    expect(ended).toEqual([undefined]);
  });

  it('stops reading the local stream when the other end does not acknowledge a window', async () => {
    const { a, b, sent } = pair({ dropAcks: true });
    const id = randomUUID();
    const left = localStream();
    a.open(id, left.stream, { windowBytes: 64 * 1024 });
    b.open(id, localStream().stream, { windowBytes: 64 * 1024 });
    for (let i = 0; i < 64; i++) left.feed.write(Buffer.alloc(4096, i));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sent.data).toBeGreaterThanOrEqual(64 * 1024);
    expect(sent.data).toBeLessThan(64 * 4096);
    expect(left.stream.isPaused()).toBe(true);
  });

  it('goes on for megabytes when acknowledgements flow', async () => {
    const { a, b } = pair();
    const id = randomUUID();
    const left = localStream();
    const right = localStream();
    a.open(id, left.stream, { windowBytes: 64 * 1024 });
    b.open(id, right.stream, { windowBytes: 64 * 1024 });
    for (let i = 0; i < 1024; i++) left.feed.write(Buffer.alloc(4096, i % 256));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(Buffer.concat(right.written).length).toBe(1024 * 4096);
  });

  it('closes every tunnel when the link goes, and refuses ones opened after', () => {
    const { a } = pair();
    const reasons: (string | undefined)[] = [];
    a.open(randomUUID(), localStream().stream, { onEnd: (reason) => reasons.push(reason) });
    a.closeAll('link closed (1006)');
    a.open(randomUUID(), localStream().stream, { onEnd: (reason) => reasons.push(reason) });
    expect(reasons).toEqual(['link closed (1006)', 'link closed (1006)']);
    expect(a.size).toBe(0);
  });

  it('ends a tunnel whose other end floods past its window', () => {
    const { a } = pair();
    const id = randomUUID();
    const slow = new Duplex({ read() {}, write(_c, _e, _done) {} }); // never finishes a write
    const reasons: (string | undefined)[] = [];
    a.open(id, slow, { windowBytes: 1024, onEnd: (reason) => reasons.push(reason) });
    for (let i = 0; i < 4; i++) a.receiveBinary(Buffer.concat([tunnelHeader(id), Buffer.alloc(1024)]));
    expect(reasons).toEqual(['the other end sent far beyond its window']);
  });
});

describe('a deferred tunnel end', () => {
  it('takes bytes before it starts reading its own stream', async () => {
    const { a, b } = pair();
    const id = randomUUID();
    const client = localStream();
    const server = localStream();
    const brainEnd = a.open(id, client.stream, { deferStart: true });
    client.feed.write('early client bytes wait');
    b.open(id, server.stream);
    server.feed.write('SSH-2.0-banner');
    await new Promise((resolve) => setImmediate(resolve));
    expect(Buffer.concat(client.written).toString()).toBe('SSH-2.0-banner');
    expect(server.written).toEqual([]);
    brainEnd.start();
    await new Promise((resolve) => setImmediate(resolve));
    expect(Buffer.concat(server.written).toString()).toBe('early client bytes wait');
  });
});

describe('a tunnel closed before it opened', () => {
  it('ends at once when its open comes after the close (a node that was still connecting)', () => {
    const { a } = pair();
    const id = randomUUID();
    a.close({ tunnelId: id, reason: 'client gone' });
    const reasons: (string | undefined)[] = [];
    const local = localStream();
    a.open(id, local.stream, { onEnd: (reason) => reasons.push(reason) });
    expect(reasons).toEqual(['client gone']);
    expect(a.size).toBe(0);
  });
});
