import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { BRAIN_CONFIG, BRAIN_INSTANCE_ID, REDIS } from '../../core/config/config.tokens';
import type { BrainConfig } from '../../core/config/brain-config';
import { NodePresenceService } from '../nodes/node-presence.service';
import { isStalledTick, livenessOf } from '../nodes/node-state';
import { SessionRegistry } from '../sessions/session-registry';

const TICK_MS = 500;
const PRESENCE_EVERY_MS = 1_000;
/** Instance presence key lifetime: a crashed brain's connections are released this long after its last renewal. */
export const INSTANCE_TTL_MS = 10_000;
export const instanceKey = (id: string) => `instance:${id}`;

/**
 * Judges every held connection by its heartbeats (late → unstable, silent past recordTimeout → dropped), writes
 * the held sessions' state in batches, and keeps this instance's presence key alive on a timer of its own, so
 * slow database work can never let it lapse.
 */
@Injectable()
export class LivenessService {
  private readonly logger = new Logger('liveness');
  private tickTimer: NodeJS.Timeout | undefined;
  private presenceTimer: NodeJS.Timeout | undefined;
  private running = false;
  private lastTickAt = Date.now();

  constructor(
    @Inject(BRAIN_CONFIG) private readonly config: BrainConfig,
    @Inject(BRAIN_INSTANCE_ID) private readonly instanceId: string,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly registry: SessionRegistry,
    private readonly presence: NodePresenceService,
  ) {}

  /** Announces this instance (before the gateway accepts anything) and starts judging. */
  async start(): Promise<void> {
    await this.renewPresence();
    this.presenceTimer = setInterval(() => void this.renewPresence(), PRESENCE_EVERY_MS);
    this.presenceTimer.unref();
    this.lastTickAt = Date.now();
    this.tickTimer = setInterval(() => void this.tick(), TICK_MS);
    this.tickTimer.unref();
  }

  private async renewPresence(): Promise<void> {
    try {
      await this.redis.set(instanceKey(this.instanceId), String(Date.now()), 'PX', INSTANCE_TTL_MS);
    } catch (error) {
      this.logger.error({ error: (error as Error).message }, 'could not renew instance presence');
    }
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const now = Date.now();
      const { activeTimeout, recordTimeout } = this.config.tentacleFace;
      // After a stall (GC, overload) heartbeats are still queued unread: judging now would drop healthy nodes.
      const sinceLastTick = now - this.lastTickAt;
      this.lastTickAt = now;
      if (isStalledTick(sinceLastTick, TICK_MS, activeTimeout * 1000)) {
        this.logger.warn(
          { sinceLastTickMs: sinceLastTick },
          'liveness tick was late; not judging this round',
        );
      } else {
        for (const session of this.registry.all()) {
          const liveness = livenessOf(
            session.lastHeartbeatAt,
            now,
            activeTimeout * 1000,
            recordTimeout * 1000,
          );
          if (liveness === 'dead') session.terminate('no heartbeat within recordTimeout');
          else if (liveness === 'late') session.health = 'unstable';
        }
      }
      await this.presence.flush(this.registry.all());
    } catch (error) {
      this.logger.error({ error: (error as Error).message }, 'liveness tick failed');
    } finally {
      this.running = false;
    }
  }

  /** Stops judging and withdraws the presence key (after the gateway released its nodes). */
  async stop(): Promise<void> {
    clearInterval(this.tickTimer);
    clearInterval(this.presenceTimer);
    await this.redis.del(instanceKey(this.instanceId)).catch(() => undefined);
  }
}
