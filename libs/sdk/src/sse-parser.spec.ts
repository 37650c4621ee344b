import { describe, expect, it } from 'vitest';
import { SseParser, type SseMessage } from './sse-parser';

function parseAll(chunks: string[]): SseMessage[] {
  const parser = new SseParser();
  return chunks.flatMap((chunk) => parser.push(chunk));
}

describe('SseParser', () => {
  it('parses named events with JSON data, defaulting the type to message', () => {
    expect(parseAll(['event: output\ndata: {"a":1}\n\ndata: plain\n\n'])).toEqual([
      { event: 'output', data: '{"a":1}', id: '' },
      { event: 'message', data: 'plain', id: '' },
    ]);
  });

  it('joins multi-line data, strips one leading space only, and ignores comments and unknown fields', () => {
    expect(parseAll([': keep-alive\nretry: 10\nfoo: bar\ndata:  two spaces\ndata:x\ndata\n\n'])).toEqual([
      { event: 'message', data: ' two spaces\nx\n', id: '' },
    ]);
  });

  it('reassembles events split anywhere across chunks, including inside CRLF', () => {
    const text = 'event: done\r\ndata: {"id":"t-1"}\r\n\r\nevent: output\rdata: x\r\r';
    const whole = parseAll([text]);
    expect(whole).toEqual([
      { event: 'done', data: '{"id":"t-1"}', id: '' },
      { event: 'output', data: 'x', id: '' },
    ]);
    for (let cut = 1; cut < text.length; cut++) {
      expect(parseAll([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
    }
    expect(parseAll([...text])).toEqual(whole);
  });

  it('does not dispatch events without data nor a half-received event', () => {
    const parser = new SseParser();
    expect(parser.push('event: invocation\n\n')).toEqual([]);
    expect(parser.push('event: output\ndata: cut off')).toEqual([]);
    expect(parser.push('\n')).toEqual([]);
  });

  it('carries the last id over to later events', () => {
    expect(parseAll(['id: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\n']).map((m) => m.id)).toEqual([
      '7',
      '7',
      '',
    ]);
  });
});
