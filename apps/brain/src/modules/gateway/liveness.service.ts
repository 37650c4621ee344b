import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { BRAIN_CONFIG, BRAIN_INSTANCE_ID, REDIS } from '../../core/config/config.tokens';
import type { BrainConfig } from '../../core/config/brain-config';
import { NodePresenceService } from '../nodes/node-presence.service';
import { livenessOf } from '../nodes/node-state';
import { SessionRegistry } from '../sessions/session-registry';

const TICK_MS = 500;
/** Instance presence key lifetime: a crashed brain's connections are released after this. */
export const INSTANCE_TTL_MS = 5_000;
export const instanceKey = (id: string) => `instance:${id}`;

/**
 * Judges every held connection by its heartbeats (late → unstable, silent past recordTimeout → dropped),
 * flushes heartbeat figures to the database in batches, and keeps this instance's presence key alive.
 */
@Injectable()
export class LivenessService implements OnApplicationShutdown {
  private readonly logger = new Logger('liveness');
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    @Inject(BRAIN_CONFIG) private readonly config: BrainConfig,
    @Inject(BRAIN_INSTANCE_ID) private readonly instanceId: string,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly registry: SessionRegistry,
    private readonly presence: NodePresenceService,
  ) {}

  async start(): Promise<void> {
    await this.redis.set(instanceKey(this.instanceId), String(Date.now()), 'PX', INSTANCE_TTL_MS);
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const now = Date.now();
      const { activeTimeout, recordTimeout } = this.config.tentacleFace;
      for (const session of this.registry.all()) {
        if (!session.name) continue;
        const liveness = livenessOf(session.lastHeartbeatAt, now, activeTimeout * 1000, recordTimeout * 1000);
        if (liveness === 'dead') {
          session.terminate('no heartbeat within recordTimeout');
        } else if (liveness === 'late' && session.health === 'online') {
          session.health = 'unstable';
          await this.presence.setLiveness(session.name, session.holder, 'unstable');
        }
      }
      await this.presence.flushActivity(this.registry.all());
      await this.redis.set(instanceKey(this.instanceId), String(now), 'PX', INSTANCE_TTL_MS);
    } catch (error) {
      this.logger.error({ error: (error as Error).message }, 'liveness tick failed');
    } finally {
      this.running = false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.del(instanceKey(this.instanceId)).catch(() => undefined);
  }
}
