import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode, encode, ProtocolError } from './codec';
import { downstreamSchemas, upstreamSchemas } from './messages';

const fixtures = join(__dirname, '..', 'fixtures');

describe('codec', () => {
  it('round-trips an envelope', () => {
    const frame = encode('heartbeat', { seq: 1, t1: 5, delayMs: null, offsetMs: null, offsetErrorMs: null });
    const envelope = decode(frame, upstreamSchemas);
    expect(envelope.kind).toBe('heartbeat');
    expect(envelope.v).toBe(1);
    expect(envelope.body).toEqual({ seq: 1, t1: 5, delayMs: null, offsetMs: null, offsetErrorMs: null });
  });

  it.each([
    ['not json', 'bad_json'],
    ['{"v":1}', 'bad_envelope'],
    ['{"v":2,"id":"a","kind":"hello","ts":1,"body":{}}', 'version'],
    ['{"v":1,"id":"a","kind":"welcome","ts":1,"body":{}}', 'unknown_kind'],
    ['{"v":1,"id":"a","kind":"__proto__","ts":1,"body":{}}', 'unknown_kind'],
    ['{"v":1,"id":"a","kind":"hello","ts":1,"body":{"name":"../x"}}', 'bad_body'],
  ])('rejects %s with %s', (frame, code) => {
    try {
      decode(frame, upstreamSchemas);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).code).toBe(code);
    }
  });

  it('has a golden fixture for every kind in both directions, and each one decodes', () => {
    const files = readdirSync(fixtures);
    for (const [direction, schemas] of [
      ['upstream', upstreamSchemas],
      ['downstream', downstreamSchemas],
    ] as const) {
      for (const kind of Object.keys(schemas)) {
        const file = `${direction}.${kind}.json`;
        expect(files, `missing fixture ${file}`).toContain(file);
        const text = readFileSync(join(fixtures, file), 'utf8');
        expect(decode(text, schemas).kind).toBe(kind);
      }
    }
  });

  it('decodes every fixture, variants (`<direction>.<kind>.<variant>.json`) included, as the kind it is named for', () => {
    for (const file of readdirSync(fixtures).filter((name) => name.endsWith('.json'))) {
      const direction = file.split('.')[0];
      const schemas = direction === 'upstream' ? upstreamSchemas : downstreamSchemas;
      const kind = decode(readFileSync(join(fixtures, file), 'utf8'), schemas).kind;
      expect(file.startsWith(`${direction}.${kind}.`), file).toBe(true);
    }
  });
});
