import { Injectable } from '@nestjs/common';
import type { Workgroup } from '../../generated/prisma/client';
import { PrismaService } from '../../core/database/prisma.service';

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
}
