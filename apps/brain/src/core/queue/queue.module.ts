import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { BRAIN_CONFIG } from '../config/config.tokens';
import type { BrainConfig } from '../config/brain-config';

/** ioredis connection options from a redis:// URL (BullMQ wants options, not a URL). */
export function redisOptionsFromUrl(url: string): {
  host: string;
  port: number;
  db: number;
  password?: string;
  username?: string;
} {
  const parsed = new URL(url);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: Number(parsed.port || 6379),
    db: Number(parsed.pathname.replace('/', '') || 0),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
  };
}

@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [BRAIN_CONFIG],
      useFactory: (config: BrainConfig) => ({
        connection: { ...redisOptionsFromUrl(config.redis.url), maxRetriesPerRequest: null },
        prefix: `${config.redis.keyPrefix}bull`,
      }),
    }),
  ],
})
export class QueueModule {}
