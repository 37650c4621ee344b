import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { BlobService } from './blob.service';

const FIRST_RUN_MS = 60_000;
const EVERY_MS = 3600_000;

/** Collects unused blobs hourly (on every brain instance: deleting a blob twice is harmless). */
@Injectable()
export class BlobCollector implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('files');
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly blobs: BlobService) {}

  onModuleInit(): void {
    const run = () => {
      this.blobs
        .collect()
        .catch((error: Error) => this.logger.warn({ error: error.message }, 'blob collection failed'));
      this.timer = setTimeout(run, EVERY_MS);
      this.timer.unref();
    };
    this.timer = setTimeout(run, FIRST_RUN_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearTimeout(this.timer);
  }
}
