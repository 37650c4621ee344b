import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { BRAIN_CONFIG, BRAIN_INSTANCE_ID, REDIS } from '../../core/config/config.tokens';
import type { BrainConfig } from '../../core/config/brain-config';

/** News another brain instance must act on: a revocation (close that node's connections) or an enrolment. */
export type IdentityEvent =
  | { kind: 'revoked'; node: string; at: string; by: string }
  | { kind: 'issued'; node: string; serial: string; at: string };

/**
 * Tells the other brain instances on the same Redis about revocations and enrolments (pub/sub), so each keeps its
 * in-memory list current and closes the connections it holds. The database stays the record; this is only speed.
 */
@Injectable()
export class RevocationBus implements OnModuleDestroy {
  private readonly logger = new Logger('revocation');
  private subscriber: Redis | undefined;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(BRAIN_CONFIG) private readonly config: BrainConfig,
    @Inject(BRAIN_INSTANCE_ID) private readonly instanceId: string,
  ) {}

  /** Channel names are not keys: ioredis does not prefix them, so the key prefix is added here. */
  private get channel(): string {
    return `${this.config.redis.keyPrefix}identity`;
  }

  async start(onEvent: (event: IdentityEvent) => void): Promise<void> {
    const subscriber = this.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on('error', (error: Error) => this.logger.warn({ error: error.message }, 'identity bus'));
    subscriber.on('message', (_channel: string, text: string) => {
      try {
        const { from, ...event } = JSON.parse(text) as IdentityEvent & { from: string };
        if (from !== this.instanceId) onEvent(event as IdentityEvent);
      } catch (error) {
        this.logger.warn({ error: (error as Error).message }, 'bad identity event');
      }
    });
    await subscriber.subscribe(this.channel);
  }

  async publish(event: IdentityEvent): Promise<void> {
    await this.redis
      .publish(this.channel, JSON.stringify({ ...event, from: this.instanceId }))
      .catch((error: Error) =>
        this.logger.error({ error: error.message }, 'could not publish identity event'),
      );
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }
}
