import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../generated/prisma/client';
import { BRAIN_CONFIG } from '../config/config.tokens';
import type { BrainConfig } from '../config/brain-config';
import { splitDatabaseUrl } from './database-url';

/** The Prisma client. Only repositories inject it. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(@Inject(BRAIN_CONFIG) config: BrainConfig) {
    const { connectionString, schema } = splitDatabaseUrl(config.database.url);
    // search_path too, so raw SQL (batched updates) finds the same tables as generated queries.
    const pool = { connectionString, max: 10, options: `-c search_path="${schema}"` };
    super({ adapter: new PrismaPg(pool, { schema }) });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
