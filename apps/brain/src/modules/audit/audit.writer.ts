import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { NewAuditRecord } from './audit-record';
import { AuditRepository } from './audit.repository';

/** A burst is written in one statement once this many wait, or after FLUSH_AFTER_MS. */
const BATCH_SIZE = 200;
const FLUSH_AFTER_MS = 100;

/**
 * Writes audit records off the request path: requests only queue them; batches go to the database in one insert.
 * A failed insert is logged with the records it lost rather than slowing or failing requests.
 */
@Injectable()
export class AuditWriter implements OnModuleDestroy {
  private readonly logger = new Logger('audit');
  private pending: NewAuditRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly records: AuditRepository) {}

  add(record: NewAuditRecord): void {
    this.pending.push(record);
    if (this.pending.length >= BATCH_SIZE) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
  }

  /** Resolves once everything queued before the call is written (or has failed and been logged). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.writing = this.writing.then(() => (batch.length > 0 ? this.write(batch) : undefined));
    return this.writing;
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }

  private async write(batch: NewAuditRecord[]): Promise<void> {
    for (let i = 0; i < batch.length; i += BATCH_SIZE) {
      const chunk = batch.slice(i, i + BATCH_SIZE);
      try {
        await this.records.insertMany(chunk);
      } catch (error) {
        this.logger.error({
          msg: `cannot write ${chunk.length} audit records: ${(error as Error).message}`,
          lost: chunk,
        });
      }
    }
  }
}
