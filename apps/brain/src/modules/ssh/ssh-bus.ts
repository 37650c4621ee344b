import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { BRAIN_CONFIG, BRAIN_INSTANCE_ID, REDIS } from '../../core/config/config.tokens';
import type { BrainConfig } from '../../core/config/brain-config';

/** A mapped port that appeared or went away (`ssh set`, `ssh del`, a pruned node). */
export interface PortEvent {
  kind: 'mapped' | 'unmapped';
  node: string;
  port: number;
}

/**
 * Tells the other brain instances on the same Redis when a mapped ssh port appears or goes away, so each API
 * instance listens on exactly the ports that are recorded (a deleted login must not keep relaying on another host).
 * The database stays the record: every instance reads it at start; this is only speed.
 */
@Injectable()
export class SshBus implements OnModuleDestroy {
  private readonly logger = new Logger('ssh');
  private subscriber: Redis | undefined;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(BRAIN_CONFIG) private readonly config: BrainConfig,
    @Inject(BRAIN_INSTANCE_ID) private readonly instanceId: string,
  ) {}

  /** Channel names are not keys: ioredis does not prefix them, so the key prefix is added here. */
  private get channel(): string {
    return `${this.config.redis.keyPrefix}ssh-ports`;
  }

  async start(onEvent: (event: PortEvent) => void): Promise<void> {
    if (this.subscriber) return;
    const subscriber = this.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on('error', (error: Error) => this.logger.warn({ error: error.message }, 'ssh port bus'));
    subscriber.on('message', (_channel: string, text: string) => {
      try {
        const { from, ...event } = JSON.parse(text) as PortEvent & { from: string };
        if (from !== this.instanceId) onEvent(event);
      } catch (error) {
        this.logger.warn({ error: (error as Error).message }, 'bad ssh port event');
      }
    });
    await subscriber.subscribe(this.channel);
  }

  async publish(event: PortEvent): Promise<void> {
    await this.redis
      .publish(this.channel, JSON.stringify({ ...event, from: this.instanceId }))
      .catch((error: Error) =>
        this.logger.error({ error: error.message }, 'could not publish ssh port event'),
      );
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }
}
