import { Injectable } from '@nestjs/common';
import type { SshLogin } from '../../generated/prisma/client';
import { PrismaService } from '../../core/database/prisma.service';

export type NewSshLogin = Pick<SshLogin, 'node' | 'username' | 'secret' | 'port' | 'createdBy'>;

/** The only code that touches the ssh_login table. */
@Injectable()
export class SshLoginsRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(node: string): Promise<SshLogin | null> {
    return this.prisma.sshLogin.findUnique({ where: { node } });
  }

  list(): Promise<SshLogin[]> {
    return this.prisma.sshLogin.findMany({ orderBy: { node: 'asc' } });
  }

  /** Inserts, or returns null when the node already has one (or another took the port): P2002. */
  async create(login: NewSshLogin): Promise<SshLogin | null> {
    try {
      return await this.prisma.sshLogin.create({ data: login });
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') return null;
      throw error;
    }
  }

  update(node: string, change: Pick<SshLogin, 'username' | 'secret'>): Promise<SshLogin> {
    return this.prisma.sshLogin.update({ where: { node }, data: change });
  }

  async delete(node: string): Promise<boolean> {
    return (await this.prisma.sshLogin.deleteMany({ where: { node } })).count > 0;
  }

  usedPorts(): Promise<number[]> {
    return this.prisma.sshLogin
      .findMany({ where: { port: { not: null } }, select: { port: true } })
      .then((rows) => rows.map((row) => row.port as number));
  }
}
