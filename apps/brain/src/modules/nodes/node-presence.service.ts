import { Injectable, Logger } from '@nestjs/common';
import type { Hello } from '@octopod/protocol';
import type { TentacleSession } from '../sessions/tentacle-session';
import { NodesRepository } from './nodes.repository';

/**
 * Records what the gateway observes about connections: joins, leaves, and every held session's current state.
 * All writes go through one serial chain, so a leave can never be overtaken by an earlier join or flush.
 */
@Injectable()
export class NodePresenceService {
  private readonly logger = new Logger('presence');
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly nodes: NodesRepository) {}

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  join(session: TentacleSession, hello: Hello): Promise<void> {
    return this.serial(async () => {
      await this.nodes.join({
        name: hello.name,
        version: hello.version,
        addr: hello.facts.addr || session.remoteAddress,
        facts: { ...hello.facts, capabilities: hello.capabilities, remoteAddress: session.remoteAddress },
        holder: session.holder,
        at: new Date(),
      });
      this.logger.log(
        { node: hello.name, addr: hello.facts.addr, remote: session.remoteAddress, version: hello.version },
        'node joined',
      );
    });
  }

  leave(name: string, holder: string, reason: string): Promise<void> {
    return this.serial(async () => {
      await this.nodes.disconnect(name, holder, new Date());
      this.logger.log({ node: name, reason }, 'node left');
    });
  }

  /**
   * Writes the current state of every joined session (health, heartbeat figures) in one statement. Writing the
   * whole state, not just changes, heals a row another brain released while this one was stalled.
   */
  flush(sessions: Iterable<TentacleSession>): Promise<void> {
    return this.serial(async () => {
      const rows = [];
      for (const session of sessions) {
        if (!session.name || !session.joined) continue;
        rows.push({
          name: session.name,
          holder: session.holder,
          state: session.health,
          lastActiveAt: new Date(session.lastHeartbeatAt),
          delayMs: session.delayMs,
          offsetMs: session.offsetMs,
          offsetErrorMs: session.offsetErrorMs,
        });
      }
      await this.nodes.recordSessions(rows, new Date());
    });
  }

  /** Every connection this instance holds is let go (shutdown). */
  releaseInstance(instanceId: string): Promise<void> {
    return this.serial(async () => {
      const names = await this.nodes.releaseInstance(instanceId, new Date());
      if (names.length) this.logger.log({ nodes: names.length }, 'released held nodes');
    });
  }
}
