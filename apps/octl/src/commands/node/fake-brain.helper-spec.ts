// A brain's node API in memory, with the contract's semantics and errors. Unit tests call it directly; the
// integration tests serve it over HTTPS, so both exercise the same behaviour.
import {
  OctopodApiError,
  type BrainInfo,
  type CreatedJoinToken,
  type CreateJoinTokenRequest,
  type JoinToken,
  type JoinTokenList,
  type Revocation,
  type Node,
  type NodeList,
  type NodeStatus,
  type ResolveNodesResult,
} from '@octopod/sdk';
import type { NodeApi } from '../../context';

export const NOW = Date.parse('2024-06-18T12:00:00.000Z');
const GB = 1_073_741_824;

export function makeNode(name: string, state: Node['state'], extra: Partial<Node> = {}): Node {
  const online = state === 'online';
  return {
    name,
    version: '0.1.0',
    addr: `10.0.0.${name.length}:41000`,
    state,
    connected: state !== 'offline',
    delayMs: online ? 4.4 : null,
    offsetMs: online ? 0 : null,
    onlineAt: online ? new Date(NOW - 162_480).toISOString() : null,
    offlineAt: state === 'offline' ? new Date(NOW - 60_000).toISOString() : null,
    lastActiveAt: new Date(2024, 5, 18, 9, 8, 7).toISOString(),
    createdAt: '2024-06-01T00:00:00.000Z',
    ...extra,
  };
}

export function makeStatus(name: string, cpuLoadLong = 5): NodeStatus {
  return {
    name,
    platform: 'Cortex-A72',
    cpuCores: 4,
    localTime: '2024-06-18T20:00:01+08:00',
    cpuLoadShort: 12.34,
    cpuLoadLong,
    memUsed: GB,
    memTotal: 4 * GB,
    diskUsed: 10 * GB,
    diskTotal: 40 * GB,
  };
}

const ALL = new Set(['ALL', '@', '@ALL', '@all']);

export class FakeBrain implements NodeApi {
  readonly calls: string[] = [];
  readonly info: BrainInfo = { name: 'brain', version: '0.1.0', addr: '127.0.0.1:12345' };
  /** Names whose status request fails with this error. */
  readonly failingStatus = new Map<string, OctopodApiError>();

  constructor(
    public nodes: Node[],
    readonly groups: Record<string, string[]> = {},
  ) {}

  private find(name: string): Node {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new OctopodApiError(404, 'node_not_found', `no node named ${name}`);
    return node;
  }

  async listNodes(query?: { state?: Node['state'] }): Promise<NodeList> {
    this.calls.push(`listNodes ${query?.state ?? ''}`.trim());
    const nodes = this.nodes.filter((n) => !query?.state || n.state === query.state);
    return { brain: this.info, nodes: [...nodes].sort((a, b) => a.name.localeCompare(b.name)) };
  }

  async resolveNodes(body: { targets: string[] }): Promise<ResolveNodesResult> {
    this.calls.push(`resolveNodes ${body.targets.join(' ')}`.trim());
    const names = new Set<string>();
    const unknown: string[] = [];
    for (const target of body.targets.length ? body.targets : ['ALL']) {
      if (ALL.has(target)) this.nodes.forEach((n) => names.add(n.name));
      else if (target.startsWith('@') && this.groups[target.slice(1)])
        this.groups[target.slice(1)].forEach((n) => names.add(n));
      else if (!target.startsWith('@') && this.nodes.some((n) => n.name === target)) names.add(target);
      else unknown.push(target);
    }
    const state = (name: string) => this.find(name).state;
    return {
      online: [...names].filter((n) => state(n) === 'online'),
      unhealthy: [...names].filter((n) => state(n) !== 'online'),
      unknown,
    };
  }

  async getNodeStatus(name: string): Promise<NodeStatus> {
    this.calls.push(`getNodeStatus ${name}`);
    if (name === 'brain') return { ...makeStatus('brain', 1), platform: 'Xeon' };
    const failure = this.failingStatus.get(name);
    if (failure) throw failure;
    if (this.find(name).state !== 'online')
      throw new OctopodApiError(409, 'node_not_online', `node ${name} is not online`);
    return makeStatus(name);
  }

  readonly joinTokens: JoinToken[] = [];

  async createJoinToken(body: CreateJoinTokenRequest): Promise<CreatedJoinToken> {
    this.calls.push(`createJoinToken ${JSON.stringify(body)}`);
    const ttl = body.ttlSeconds ?? 3600;
    if (ttl > 7 * 86400)
      throw new OctopodApiError(400, 'bad_ttl', 'ttlSeconds must be at most 604800 (7 days)');
    const id = `t${this.joinTokens.length + 1}`.padEnd(16, '0');
    const expiresAt = new Date(NOW + ttl * 1000).toISOString();
    const token = {
      id,
      name: body.name ?? null,
      createdBy: 'admin',
      createdAt: new Date(NOW).toISOString(),
      expiresAt,
    };
    this.joinTokens.push(token);
    const caFingerprint = 'ab'.repeat(32);
    return {
      token: `octopod-join1.${id}.${'s'.repeat(43)}.${caFingerprint}`,
      id,
      name: token.name,
      expiresAt,
      caFingerprint,
    };
  }

  async listJoinTokens(): Promise<JoinTokenList> {
    this.calls.push('listJoinTokens');
    return { tokens: [...this.joinTokens] };
  }

  async revokeNode(name: string): Promise<Revocation> {
    this.calls.push(`revokeNode ${name}`);
    const node = this.find(name);
    return {
      node: name,
      revokedAt: new Date(NOW).toISOString(),
      certificatesRevoked: 0,
      disconnected: node.connected ? 1 : 0,
    };
  }

  async pruneNode(name: string): Promise<void> {
    this.calls.push(`pruneNode ${name}`);
    const node = this.find(name);
    if (node.state !== 'offline')
      throw new OctopodApiError(409, 'node_not_offline', `node ${name} is ${node.state}`);
    this.nodes = this.nodes.filter((n) => n !== node);
  }
}

/** A fleet: pi-1, pi-2 online; pi-3 unstable; pi-4 offline; group lab = pi-2, pi-3, pi-4. */
export function sampleFleet(): FakeBrain {
  return new FakeBrain(
    [
      makeNode('pi-2', 'online'),
      makeNode('pi-1', 'online', { delayMs: 2.5 }),
      makeNode('pi-3', 'unstable'),
      makeNode('pi-4', 'offline'),
    ],
    { lab: ['pi-2', 'pi-3', 'pi-4'] },
  );
}
