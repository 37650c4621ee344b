import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { BRAIN_CONFIG, BRAIN_INSTANCE_ID, REDIS } from '../../core/config/config.tokens';
import type { BrainConfig } from '../../core/config/brain-config';
import { InstanceBus } from '../../core/redis/instance-bus';

/** News another brain instance must act on: a revocation (close that node's connections) or an enrolment. */
export type IdentityEvent =
  | { kind: 'revoked'; node: string; at: string; by: string }
  | { kind: 'issued'; node: string; serial: string; at: string };

/**
 * Tells the other brain instances about revocations and enrolments, so each keeps its in-memory list current and
 * closes the connections it holds.
 */
@Injectable()
export class RevocationBus implements OnModuleDestroy {
  private readonly bus: InstanceBus<IdentityEvent>;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(BRAIN_CONFIG) config: BrainConfig,
    @Inject(BRAIN_INSTANCE_ID) instanceId: string,
  ) {
    this.bus = new InstanceBus(
      redis,
      `${config.redis.keyPrefix}identity`,
      instanceId,
      new Logger('revocation'),
    );
  }

  start(onEvent: (event: IdentityEvent) => void): Promise<void> {
    return this.bus.start(onEvent);
  }

  publish(event: IdentityEvent): Promise<void> {
    return this.bus.publish(event);
  }

  onModuleDestroy(): Promise<void> {
    return this.bus.close();
  }
}
