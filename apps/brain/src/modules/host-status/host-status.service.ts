import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { StatusSampler } from '@octopod/host';
import type { NodeStatus } from '@octopod/protocol';

/**
 * The brain's own host, reported as node `brain` (reference spec §6). Sampled as the tentacle samples its host:
 * os counters, /proc and statfs, never a spawned process (that blocked the event loop every second).
 */
@Injectable()
export class HostStatusService implements OnModuleInit, OnModuleDestroy {
  private readonly sampler = new StatusSampler();

  onModuleInit(): void {
    this.sampler.start();
  }

  onModuleDestroy(): void {
    this.sampler.stop();
  }

  status(name: string): Promise<NodeStatus> {
    return this.sampler.snapshot(name);
  }
}
