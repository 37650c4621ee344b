import { describe, expect, it } from 'vitest';
import { applyEnvOverrides } from './env-overrides';

const overrides = { APP_PORT: ['port'], APP_REDIS_URL: ['redis', 'url'], APP_CA: ['ssl', 'caCert'] };

describe('applyEnvOverrides', () => {
  it('writes each set variable into its field as a string, creating sections on the way', () => {
    expect(
      applyEnvOverrides({ port: 1 }, overrides, { APP_PORT: '2', APP_CA: 'ca.pem', OTHER: 'x' }),
    ).toEqual({
      port: '2',
      ssl: { caCert: 'ca.pem' },
    });
  });

  it('keeps the sibling fields of an overridden section and leaves the input untouched', () => {
    const doc = { redis: { url: 'redis://a', db: 3 }, list: [1] };
    const result = applyEnvOverrides(doc, overrides, { APP_REDIS_URL: 'redis://b' });
    expect(result).toEqual({ redis: { url: 'redis://b', db: 3 }, list: [1] });
    expect(doc.redis.url).toBe('redis://a');
    expect(result.list).not.toBe(doc.list);
  });

  it('replaces a section that is not a mapping', () => {
    expect(
      applyEnvOverrides({ redis: 'oops', ssl: ['x'] }, overrides, { APP_REDIS_URL: 'u', APP_CA: 'c' }),
    ).toEqual({
      redis: { url: 'u' },
      ssl: { caCert: 'c' },
    });
  });

  it('applies an empty value but not an unset one', () => {
    expect(applyEnvOverrides({ port: 1 }, overrides, { APP_PORT: '', APP_CA: undefined })).toEqual({
      port: '',
    });
  });
});
