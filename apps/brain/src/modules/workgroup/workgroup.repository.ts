import { Injectable } from '@nestjs/common';
import { Prisma, type Workgroup } from '../../generated/prisma/client';
import { PrismaService } from '../../core/database/prisma.service';
import { ROOT_PATH } from './workgroup-path';

/** SQL: `column` is `path` or lies below it (an exact prefix test: paths may hold `%` or `_`). */
const inSubtree = (column: Prisma.Sql, path: string) =>
  Prisma.sql`(${column} = ${path} OR left(${column}, ${path.length + 1}) = ${`${path}/`})`;

/** The only code that touches the workgroup tables. The root's members are the node table. */
@Injectable()
export class WorkgroupRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(path: string): Promise<Workgroup | null> {
    return this.prisma.workgroup.findUnique({ where: { path } });
  }

  async setPasswordHash(path: string, passwordHash: string): Promise<void> {
    await this.prisma.workgroup.upsert({
      where: { path },
      create: { path, passwordHash },
      update: { passwordHash },
    });
  }

  /** Sets the password of an existing group only; false when there is no such group. */
  async updatePasswordHash(path: string, passwordHash: string): Promise<boolean> {
    const { count } = await this.prisma.workgroup.updateMany({ where: { path }, data: { passwordHash } });
    return count === 1;
  }

  /** Every node that joined and was not pruned: the root group's members. */
  async nodeNames(): Promise<string[]> {
    const rows = await this.prisma.node.findMany({ select: { name: true }, orderBy: { name: 'asc' } });
    return rows.map((row) => row.name);
  }

  async members(path: string): Promise<string[]> {
    const rows = await this.prisma.workgroupMember.findMany({
      where: { path },
      select: { node: true },
      orderBy: { node: 'asc' },
    });
    return rows.map((row) => row.node);
  }

  /** Paths strictly below `path`, sorted. */
  async descendants(path: string): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<Array<{ path: string }>>`
      SELECT path FROM "workgroup" WHERE left(path, ${path.length + 1}) = ${`${path}/`} ORDER BY path`;
    return rows.map((row) => row.path);
  }

  /** Adds members, creating the group with an empty password (no login) when it does not exist yet. */
  async addMembers(path: string, names: string[]): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.workgroup.createMany({ data: [{ path, passwordHash: '' }], skipDuplicates: true });
      await tx.workgroupMember.createMany({
        data: names.map((node) => ({ path, node })),
        skipDuplicates: true,
      });
    });
  }

  /**
   * Removes `names` from `path` and every group below it; each group left without members is deleted with its
   * whole subtree (the root is never deleted). Returns the deleted paths, sorted.
   */
  removeMembers(path: string, names: string[]): Promise<string[]> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`
        DELETE FROM "workgroup_member"
        WHERE node = ANY(${names}::text[]) AND ${inSubtree(Prisma.sql`path`, path)}`;
      const emptied = await tx.$queryRaw<Array<{ path: string }>>`
        SELECT w.path FROM "workgroup" w
        WHERE w.path <> ${ROOT_PATH} AND ${inSubtree(Prisma.sql`w.path`, path)}
          AND NOT EXISTS (SELECT 1 FROM "workgroup_member" m WHERE m.path = w.path)`;
      return this.deleteTrees(
        tx,
        emptied.map((row) => row.path),
      );
    });
  }

  /** Deletes `path` and every group below it (never the root). Returns the deleted paths, sorted. */
  deleteSubtree(path: string): Promise<string[]> {
    if (path === ROOT_PATH) return Promise.resolve([]);
    return this.prisma.$transaction((tx) => this.deleteTrees(tx, [path]));
  }

  private async deleteTrees(tx: Prisma.TransactionClient, roots: string[]): Promise<string[]> {
    if (roots.length === 0) return [];
    // Member rows go with their group (ON DELETE CASCADE).
    const rows = await tx.$queryRaw<Array<{ path: string }>>`
      DELETE FROM "workgroup" w
      WHERE w.path <> ${ROOT_PATH} AND EXISTS (
        SELECT 1 FROM unnest(${roots}::text[]) AS r(p)
        WHERE w.path = r.p OR left(w.path, length(r.p) + 1) = r.p || '/'
      )
      RETURNING w.path`;
    return rows.map((row) => row.path).sort();
  }
}
