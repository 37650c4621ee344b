import { describe, expect, it } from 'vitest';
import { formatAddress, gatewayUrl, parseAddress } from './address';

describe('brain address', () => {
  it('parses Octopoda "ip:port" entry values', () => {
    expect(parseAddress('10.0.0.2:3457')).toEqual({ host: '10.0.0.2', port: 3457 });
    expect(parseAddress('[::1]:3457')).toEqual({ host: '::1', port: 3457 });
    expect(parseAddress('brain.lan:1')).toEqual({ host: 'brain.lan', port: 1 });
  });

  it('rejects malformed values', () => {
    for (const bad of ['', '10.0.0.2', ':3457', '10.0.0.2:', '10.0.0.2:70000', 'host:abc']) {
      expect(parseAddress(bad), bad).toBeNull();
    }
  });

  it('formats the gateway URL, bracketing IPv6', () => {
    expect(gatewayUrl({ host: '127.0.0.1', port: 3457 })).toBe('wss://127.0.0.1:3457/tentacle');
    expect(formatAddress({ host: '::1', port: 3457 })).toBe('[::1]:3457');
  });
});
