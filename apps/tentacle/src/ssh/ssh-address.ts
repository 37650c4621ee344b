export interface SshTarget {
  host: string;
  port: number;
}

/** "host:port", "[v6]:port" or ":port" (= 127.0.0.1); empty = no ssh tunnels. */
export function parseSshAddress(address: string): SshTarget | undefined {
  if (!address) return undefined;
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(address);
  const port = Number(match?.[3]);
  if (!match || port < 1 || port > 65535) throw new Error(`ssh.address "${address}" is not host:port`);
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

export function validSshAddress(address: string): boolean {
  try {
    parseSshAddress(address);
    return true;
  } catch {
    return false;
  }
}
