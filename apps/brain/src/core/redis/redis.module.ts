import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { BRAIN_CONFIG, REDIS } from '../config/config.tokens';
import type { BrainConfig } from '../config/brain-config';

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [BRAIN_CONFIG],
      useFactory: (config: BrainConfig) =>
        new Redis(config.redis.url, {
          keyPrefix: config.redis.keyPrefix,
          lazyConnect: false,
          maxRetriesPerRequest: 3,
        }),
    },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
