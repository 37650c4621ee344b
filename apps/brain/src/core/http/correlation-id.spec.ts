import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { correlationIdOf } from './correlation-id';

function exchange(header?: string) {
  const headers: Record<string, string> = {};
  const req = { headers: header === undefined ? {} : { 'x-correlation-id': header } } as IncomingMessage & {
    id?: unknown;
  };
  const res = {
    headersSent: false,
    setHeader: (k: string, v: string) => (headers[k] = v),
  } as unknown as ServerResponse;
  return { req, res, headers };
}

describe('correlation id', () => {
  it("keeps the caller's id, echoes it, and returns the same id on every call", () => {
    const { req, res, headers } = exchange('req-42');
    expect(correlationIdOf(req, res)).toBe('req-42');
    expect(headers['x-correlation-id']).toBe('req-42');
    expect(req.id).toBe('req-42');
    expect(correlationIdOf(req, res)).toBe('req-42');
  });

  it('makes a new id when none or a strange one is given', () => {
    for (const given of [undefined, '', 'has space', 'x'.repeat(200)]) {
      const { req, res, headers } = exchange(given);
      const id = correlationIdOf(req, res);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(headers['x-correlation-id']).toBe(id);
    }
  });
});
