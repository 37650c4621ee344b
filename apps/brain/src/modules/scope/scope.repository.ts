import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../core/database/prisma.service';

/** The reads scope decisions need beyond workgroup membership. */
@Injectable()
export class ScopeRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The nodes a task runs on, or null when there is no such task. */
  async nodesOfTask(taskId: string): Promise<string[] | null> {
    const rows = await this.prisma.$queryRaw<Array<{ node: string | null }>>`
      SELECT i.node FROM "task" AS t LEFT JOIN "invocation" AS i ON i.task_id = t.id WHERE t.id = ${taskId}`;
    if (rows.length === 0) return null;
    return rows.flatMap((row) => (row.node === null ? [] : [row.node]));
  }
}
