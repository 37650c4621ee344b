import { Global, Module, type DynamicModule } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { BRAIN_CONFIG, BRAIN_INSTANCE_ID } from './config.tokens';
import type { BrainConfig } from './brain-config';

/** Provides the validated configuration and this process's instance id to every module. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: BrainConfig): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: BRAIN_CONFIG, useValue: config },
        { provide: BRAIN_INSTANCE_ID, useValue: randomUUID() },
      ],
      exports: [BRAIN_CONFIG, BRAIN_INSTANCE_ID],
    };
  }
}
