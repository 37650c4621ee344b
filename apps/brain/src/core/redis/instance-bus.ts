import type { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';

/**
 * News for the other brain instances on the same Redis (pub/sub on one channel): what one instance changed that
 * the others keep in memory. An instance never hears its own events. The database stays the record; a bus is
 * only speed, so a lost message costs a delay, never a wrong state after a restart.
 */
export class InstanceBus<Event extends object> {
  private subscriber: Redis | undefined;

  constructor(
    private readonly redis: Redis,
    /** Channel names are not keys (ioredis does not prefix them): pass the key prefix in. */
    private readonly channel: string,
    private readonly instanceId: string,
    private readonly logger: Logger,
  ) {}

  async start(onEvent: (event: Event) => void): Promise<void> {
    if (this.subscriber) return;
    const subscriber = this.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on('error', (error: Error) =>
      this.logger.warn({ error: error.message }, `${this.channel} bus`),
    );
    subscriber.on('message', (_channel: string, text: string) => {
      try {
        const { from, ...event } = JSON.parse(text) as Event & { from: string };
        if (from !== this.instanceId) onEvent(event as unknown as Event);
      } catch (error) {
        this.logger.warn({ error: (error as Error).message }, `bad event on ${this.channel}`);
      }
    });
    await subscriber.subscribe(this.channel);
  }

  async publish(event: Event): Promise<void> {
    await this.redis
      .publish(this.channel, JSON.stringify({ ...event, from: this.instanceId }))
      .catch((error: Error) =>
        this.logger.error({ error: error.message }, `could not publish on ${this.channel}`),
      );
  }

  async close(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }
}
