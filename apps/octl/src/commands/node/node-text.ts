// Octopoda's text forms of nodes and statuses (protocols/node.go: NodesInfoText, NodesStatusText), built from
// the v2 API's objects. Key order follows the Go structs, so the JSON reads the same as Octopoda's.
import type { BrainInfo, Node, NodeStatus } from '@octopod/sdk';
import { goDateTime, goDurationMs, goPercent, goUsage, wallClockOf } from '../../format/go-format';

export interface NodeInfoText {
  name: string;
  version: string;
  addr: string;
  state: string;
  delay: string;
  online_time?: string;
  offline_time?: string;
  last_active?: string;
}

export interface NodesInfoText {
  brain: BrainInfo;
  nodes: NodeInfoText[];
  total: number;
  online: number;
  offline: number;
}

export interface StatusText {
  name: string;
  platform: string;
  cpu_cores: number;
  local_time: string;
  cpu_average1: string;
  cpu_average10: string;
  memory_usage: string;
  disk_usage: string;
}

export interface NodesStatusText {
  nodes: StatusText[];
  average_cpuload: string;
  average_memoryusage: string;
  average_diskusage: string;
}

const byName = <T extends { name: string }>(a: T, b: T): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/** Time since an ISO instant as a Go duration; clamped at zero because octl's clock is not the brain's. */
function since(iso: string, now: number): string {
  return goDurationMs(Math.max(0, now - Date.parse(iso)));
}

export function nodeToText(node: Node, now: number): NodeInfoText {
  const text: NodeInfoText = {
    name: node.name,
    version: node.version,
    addr: node.addr,
    state: node.state,
    delay: '-',
  };
  if (node.state === 'online') {
    if (node.delayMs !== null) text.delay = `${Math.round(node.delayMs)}ms`;
    if (node.onlineAt) text.online_time = since(node.onlineAt, now);
  } else if (node.state === 'unstable') {
    if (node.lastActiveAt) text.last_active = goDateTime(new Date(node.lastActiveAt));
  } else if (node.offlineAt) {
    text.offline_time = since(node.offlineAt, now);
  }
  return text;
}

/** The brain's own name goes in `brain.name` (Octopoda put the address there by mistake). */
export function nodesToText(brain: BrainInfo, nodes: readonly Node[], now: number): NodesInfoText {
  const texts = nodes.map((n) => nodeToText(n, now)).sort(byName);
  return {
    brain: { name: brain.name, version: brain.version, addr: brain.addr },
    nodes: texts,
    total: texts.length,
    online: texts.filter((n) => n.state === 'online').length,
    offline: texts.filter((n) => n.state === 'offline').length,
  };
}

export function statusToText(status: NodeStatus): StatusText {
  return {
    name: status.name,
    platform: status.platform,
    cpu_cores: status.cpuCores,
    local_time: wallClockOf(status.localTime),
    cpu_average1: goPercent(status.cpuLoadShort),
    cpu_average10: goPercent(status.cpuLoadLong),
    memory_usage: goUsage(status.memUsed, status.memTotal),
    disk_usage: goUsage(status.diskUsed, status.diskTotal),
  };
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

/** Averages as Octopoda computes them: mean of the 10-sample CPU load; memory and disk as Σused / Σtotal. */
export function statusesToText(statuses: readonly NodeStatus[]): NodesStatusText {
  return {
    nodes: statuses.map(statusToText).sort(byName),
    average_cpuload: goPercent(sum(statuses.map((s) => s.cpuLoadLong)) / statuses.length),
    average_memoryusage: goPercent(
      (sum(statuses.map((s) => s.memUsed)) * 100) / sum(statuses.map((s) => s.memTotal)),
    ),
    average_diskusage: goPercent(
      (sum(statuses.map((s) => s.diskUsed)) * 100) / sum(statuses.map((s) => s.diskTotal)),
    ),
  };
}
