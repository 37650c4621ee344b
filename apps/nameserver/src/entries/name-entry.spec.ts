import { describe, expect, it } from 'vitest';
import { DEFAULT_TTL_MS, expiryMs, parseEntries } from './name-entry';

describe('parseEntries', () => {
  it('accepts every Octopoda type and keeps the fields in wire order', () => {
    const result = parseEntries([
      {
        key: 'brain.tentacleFace.message',
        type: 'addr',
        value: '10.0.0.1:3457',
        description: 'ws',
        ttl: 1000,
      },
      { key: 'n', type: 'num', value: '3' },
      { key: 's', type: 'str', value: 'x' },
      { key: 'a', type: 'array', value: '[]' },
    ]);
    expect(result).toEqual({
      ok: true,
      entries: [
        {
          key: 'brain.tentacleFace.message',
          type: 'addr',
          value: '10.0.0.1:3457',
          description: 'ws',
          ttl: 1000,
        },
        { key: 'n', type: 'num', value: '3', description: '' },
        { key: 's', type: 'str', value: 'x', description: '' },
        { key: 'a', type: 'array', value: '[]', description: '' },
      ],
    });
    if (result.ok)
      expect(Object.keys(result.entries[0])).toEqual(['key', 'type', 'value', 'description', 'ttl']);
  });

  it('drops ttl 0 like Go omitempty but keeps negative ttls', () => {
    const result = parseEntries([
      { key: 'zero', type: 'str', ttl: 0 },
      { key: 'forever', type: 'str', ttl: -1 },
      { key: 'nulls', type: 'str', value: null, description: null, ttl: null },
    ]);
    expect(result.ok && result.entries).toEqual([
      { key: 'zero', type: 'str', value: '', description: '' },
      { key: 'forever', type: 'str', value: '', description: '', ttl: -1 },
      { key: 'nulls', type: 'str', value: '', description: '' },
    ]);
  });

  it('ignores unknown fields', () => {
    const result = parseEntries([{ key: 'k', type: 'str', extra: true }]);
    expect(result.ok && result.entries[0]).toEqual({ key: 'k', type: 'str', value: '', description: '' });
  });

  it('accepts an empty batch', () => {
    expect(parseEntries([])).toEqual({ ok: true, entries: [] });
  });

  it.each([
    [[{ key: 'k', type: 'ip' }], '[0].type: must be one of addr, num, str, array'],
    [[{ key: 'k', type: 'str' }, { key: 'k2' }], '[1].type: is required'],
    [[{ type: 'str' }], '[0].key: is required'],
    [[{ key: '', type: 'str' }], '[0].key: must not be empty'],
    [[{ key: 7, type: 'str' }], '[0].key: must be a string'],
    [[{ key: 'k', type: 'str', value: 5 }], '[0].value: must be a string'],
    [[{ key: 'k', type: 'str', ttl: 1.5 }], '[0].ttl: must be an integer number of milliseconds'],
    [[{ key: 'k', type: 'str', ttl: '100' }], '[0].ttl: must be an integer number of milliseconds'],
    [['k'], '[0]: must be an entry object'],
    [{ key: 'k', type: 'str' }, 'body must be a JSON array of entries'],
    [null, 'body must be a JSON array of entries'],
  ])('rejects %j with "%s"', (body, message) => {
    expect(parseEntries(body)).toEqual({ ok: false, message });
  });
});

describe('expiryMs', () => {
  it('defaults 0 and a missing ttl to 5000 ms', () => {
    expect(DEFAULT_TTL_MS).toBe(5000);
    expect(expiryMs(undefined)).toBe(5000);
    expect(expiryMs(0)).toBe(5000);
  });

  it('keeps positive ttls and makes negative ones permanent', () => {
    expect(expiryMs(300)).toBe(300);
    expect(expiryMs(-1)).toBeNull();
    expect(expiryMs(-5000)).toBeNull();
  });
});
