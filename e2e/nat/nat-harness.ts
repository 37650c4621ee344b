import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/stack';

const NAT_SCRIPT = join(REPO_ROOT, 'tools/netns/nat.sh');

/** What `tools/netns/nat.sh up` made: a node namespace behind a masquerading router namespace. */
export interface NatNetwork {
  prefix: string;
  nodeNs: string;
  routerNs: string;
  /** The host's end of the uplink: services the node must reach listen here. */
  hostAddr: string;
  /** Where the node's connections appear to come from (the router's uplink address). */
  routerUplinkAddr: string;
  /** The node's private address, unreachable from the host. */
  nodeAddr: string;
}

/** Why the harness cannot run here, or undefined when it can. */
export function natUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'needs root (ip netns, iptables)';
  const check = spawnSync('bash', [NAT_SCRIPT, 'check'], { encoding: 'utf8' });
  if (check.status !== 0) return (check.stderr || check.error?.message || 'nat.sh check failed').trim();
  return undefined;
}

export function natUp(prefix: string): NatNetwork {
  const result = spawnSync('bash', [NAT_SCRIPT, 'up', prefix], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`nat.sh up ${prefix} failed: ${result.stderr}`);
  const vars = Object.fromEntries(
    result.stdout
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => line.split('=', 2) as [string, string]),
  );
  return {
    prefix,
    nodeNs: vars.NODE_NS,
    routerNs: vars.ROUTER_NS,
    hostAddr: vars.HOST_ADDR,
    routerUplinkAddr: vars.ROUTER_UPLINK_ADDR,
    nodeAddr: vars.NODE_ADDR,
  };
}

export function natDown(prefix: string): void {
  spawnSync('bash', [NAT_SCRIPT, 'down', prefix], { encoding: 'utf8' });
}
