import type { NetworkInterfaceInfo } from 'node:os';

/**
 * The address to listen on, as Octopoda picks it: `ip` if set, else the first non-loopback IPv4 of
 * `netDevice`, else every interface.
 */
export function resolveBindAddress(
  config: { ip?: string; netDevice: string },
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>,
): string {
  if (config.ip) return config.ip;
  if (!config.netDevice) return '0.0.0.0';
  const address = interfaces[config.netDevice]?.find((info) => info.family === 'IPv4' && !info.internal);
  if (!address) throw new Error(`netDevice ${config.netDevice}: no IPv4 address found`);
  return address.address;
}
