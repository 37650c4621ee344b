import { Injectable, Logger } from '@nestjs/common';
import type { Hello } from '@octopod/protocol';
import type { TentacleSession } from '../sessions/tentacle-session';
import { NodesRepository } from './nodes.repository';

/** Records what the gateway observes about connections: joins, leaves, liveness, heartbeat figures. */
@Injectable()
export class NodePresenceService {
  private readonly logger = new Logger('presence');

  constructor(private readonly nodes: NodesRepository) {}

  async join(session: TentacleSession, hello: Hello, holder: string): Promise<void> {
    await this.nodes.join({
      name: hello.name,
      version: hello.version,
      addr: hello.facts.addr || session.remoteAddress,
      facts: { ...hello.facts, capabilities: hello.capabilities, remoteAddress: session.remoteAddress },
      holder,
      at: new Date(),
    });
    this.logger.log({ node: hello.name, addr: hello.facts.addr, remote: session.remoteAddress, version: hello.version }, 'node joined');
  }

  async leave(name: string, holder: string, reason: string): Promise<void> {
    await this.nodes.disconnect(name, holder, new Date());
    this.logger.log({ node: name, reason }, 'node left');
  }

  async setLiveness(name: string, holder: string, state: 'online' | 'unstable'): Promise<void> {
    await this.nodes.setLiveness(name, holder, state, new Date());
    this.logger.log({ node: name, state }, state === 'unstable' ? 'node heartbeats late' : 'node heartbeats back');
  }

  /** Writes the heartbeat figures of every session that heartbeated since the last flush, in one statement. */
  async flushActivity(sessions: Iterable<TentacleSession>): Promise<void> {
    const rows = [];
    for (const session of sessions) {
      if (!session.activityDirty || !session.name) continue;
      session.activityDirty = false;
      rows.push({
        name: session.name,
        lastActiveAt: new Date(session.lastHeartbeatAt),
        delayMs: session.delayMs,
        offsetMs: session.offsetMs,
        offsetErrorMs: session.offsetErrorMs,
      });
    }
    await this.nodes.recordActivity(rows);
  }
}
