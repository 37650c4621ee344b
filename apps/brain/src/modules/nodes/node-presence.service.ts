import { Injectable, Logger } from '@nestjs/common';
import type { Hello } from '@octopod/protocol';
import type { TentacleSession } from '../sessions/tentacle-session';
import { NodesRepository } from './nodes.repository';

/** A held session's row is rewritten at least this often even when its health did not change. */
const REFRESH_MS = 5_000;

interface Written {
  at: number;
  health: string;
  /** Whether the clock figures were known yet (their first measurement is written at once). */
  measured: boolean;
}

/**
 * Records what the gateway observes about connections: joins, leaves, and every held session's current state.
 * All writes go through one serial chain, so a leave can never be overtaken by an earlier join or flush.
 */
@Injectable()
export class NodePresenceService {
  private readonly logger = new Logger('presence');
  private chain: Promise<unknown> = Promise.resolve();
  /** When each held session's row was last written, and what it said. */
  private written = new Map<string, Written>();

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
   * Writes the current state of the joined sessions in one statement: those whose health changed or whose clock
   * was measured for the first time, and each of the others every REFRESH_MS (their heartbeat figures and last-active time). Rewriting every row that often also
   * heals a row another brain released while this one was stalled.
   */
  flush(sessions: Iterable<TentacleSession>): Promise<void> {
    return this.serial(async () => {
      const now = Date.now();
      const rows = [];
      const written = new Map<string, Written>();
      for (const session of sessions) {
        if (!session.name || !session.joined) continue;
        const last = this.written.get(session.holder);
        const measured = session.offsetMs !== null;
        if (
          last &&
          last.health === session.health &&
          last.measured === measured &&
          now - last.at < REFRESH_MS
        ) {
          written.set(session.holder, last);
          continue;
        }
        written.set(session.holder, { at: now, health: session.health, measured });
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
      // Sessions gone since the last flush are forgotten; a failed write is retried by the next flush.
      this.written = new Map();
      await this.nodes.recordSessions(rows, new Date(now));
      this.written = written;
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
