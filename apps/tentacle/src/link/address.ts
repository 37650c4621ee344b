/** Where the brain's tentacle gateway listens. */
export interface BrainAddress {
  host: string;
  port: number;
}

/** Parses Octopoda's `"ip:port"` entry value (IPv6 may be bracketed). Returns null when malformed. */
export function parseAddress(value: string): BrainAddress | null {
  const cut = value.lastIndexOf(':');
  if (cut <= 0) return null;
  const host = value.slice(0, cut).replace(/^\[(.*)\]$/, '$1');
  const port = Number(value.slice(cut + 1));
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { host, port };
}

export function formatAddress({ host, port }: BrainAddress): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function gatewayUrl(address: BrainAddress): string {
  return `wss://${formatAddress(address)}/tentacle`;
}
