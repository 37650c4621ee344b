import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { BRAIN_CONFIG, BRAIN_INSTANCE_ID, REDIS } from '../../core/config/config.tokens';
import type { BrainConfig } from '../../core/config/brain-config';
import { InstanceBus } from '../../core/redis/instance-bus';

/** A mapped port that appeared or went away (`ssh set`, `ssh del`, a pruned node). */
export interface PortEvent {
  kind: 'mapped' | 'unmapped';
  node: string;
  port: number;
}

/**
 * Tells the other brain instances when a mapped ssh port appears or goes away, so each API instance listens on
 * exactly the recorded ports (a deleted login must not keep relaying on another host). Each reads the record at
 * start.
 */
@Injectable()
export class SshBus implements OnModuleDestroy {
  private readonly bus: InstanceBus<PortEvent>;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(BRAIN_CONFIG) config: BrainConfig,
    @Inject(BRAIN_INSTANCE_ID) instanceId: string,
  ) {
    this.bus = new InstanceBus(redis, `${config.redis.keyPrefix}ssh-ports`, instanceId, new Logger('ssh'));
  }

  start(onEvent: (event: PortEvent) => void): Promise<void> {
    return this.bus.start(onEvent);
  }

  publish(event: PortEvent): Promise<void> {
    return this.bus.publish(event);
  }

  onModuleDestroy(): Promise<void> {
    return this.bus.close();
  }
}
