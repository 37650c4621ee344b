import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { resolveBindAddress } from './bind-address';

const info = (address: string, family: 'IPv4' | 'IPv6', internal = false) =>
  ({ address, family, internal }) as NetworkInterfaceInfo;
const interfaces = {
  lo: [info('127.0.0.1', 'IPv4', true)],
  eth0: [info('fe80::1', 'IPv6'), info('192.168.1.7', 'IPv4')],
};

describe('resolveBindAddress', () => {
  it('prefers ip, then the netDevice IPv4, then every interface', () => {
    expect(resolveBindAddress({ ip: '10.1.1.1', netDevice: 'eth0' }, interfaces)).toBe('10.1.1.1');
    expect(resolveBindAddress({ netDevice: 'eth0' }, interfaces)).toBe('192.168.1.7');
    expect(resolveBindAddress({ netDevice: '' }, interfaces)).toBe('0.0.0.0');
  });

  it('fails on a device without IPv4', () => {
    expect(() => resolveBindAddress({ netDevice: 'lo' }, interfaces)).toThrow(
      'netDevice lo: no IPv4 address found',
    );
    expect(() => resolveBindAddress({ netDevice: 'wlan9' }, interfaces)).toThrow(/wlan9/);
  });
});
