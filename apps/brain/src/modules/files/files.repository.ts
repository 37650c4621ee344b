import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../core/database/prisma.service';

@Injectable()
export class FilesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The blob is stored (or used again): it is kept for the retention period from now. */
  async touch(sha256: string, size: number, at = new Date()): Promise<void> {
    await this.prisma.fileBlob.upsert({
      where: { sha256 },
      create: { sha256, size: BigInt(size), createdAt: at, lastUsedAt: at },
      update: { lastUsedAt: at },
    });
  }

  async known(sha256: string): Promise<boolean> {
    return (await this.prisma.fileBlob.count({ where: { sha256 } })) > 0;
  }

  /**
   * Takes the blobs unused since `before` that no unfinished task pushes out of the table (the rows go in the same
   * statement that picks them, so a blob touched meanwhile is not among them); answers their names, to delete.
   * (A pull's blob is named only in its result, so an unfinished task cannot need it.) A running scenario apply
   * keeps its folder's blob.
   */
  async claimCollectable(before: Date, limit = 1000): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<Array<{ sha256: string }>>`
      DELETE FROM file_blob WHERE sha256 IN (
        SELECT b.sha256 FROM file_blob b
        WHERE b.last_used_at < ${before}
          AND NOT EXISTS (
            SELECT 1 FROM task t
            WHERE t.done_at IS NULL AND t.kind = 'file_push' AND t.options->'file'->>'blob' = b.sha256
          )
          AND NOT EXISTS (
            SELECT 1 FROM scenario_run_step s JOIN scenario_run r ON r.id = s.run_id
            WHERE r.state = 'running' AND s.spec->>'source' = b.sha256
          )
        ORDER BY b.last_used_at
        LIMIT ${limit})
      AND last_used_at < ${before}
      RETURNING sha256`;
    return rows.map((row) => row.sha256);
  }
}
