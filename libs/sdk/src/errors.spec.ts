import { describe, expect, it } from 'vitest';
import { OctopodApiError, parseAddress } from './errors';

describe('parseAddress', () => {
  it.each([
    ['127.0.0.1:12345', { host: '127.0.0.1', port: 12345 }],
    ['[::1]:3455', { host: '::1', port: 3455 }],
    [' brain.lab:1 ', { host: 'brain.lab', port: 1 }],
  ])('splits %s', (address, expected) => {
    expect(parseAddress(address)).toEqual(expected);
  });

  it.each(['127.0.0.1', '127.0.0.1:0', 'host:70000', ':80', ''])('refuses %j as bad_config', (address) => {
    expect(() => parseAddress(address)).toThrow(OctopodApiError);
    expect(() => parseAddress(address)).toThrow(/not an "ip:port" address/);
  });
});
