import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { BRAIN_CONFIG } from '../../core/config/config.tokens';
import type { BrainConfig } from '../../core/config/brain-config';
import { hashPassword, verifyPassword } from './password-hash';
import { WorkgroupRepository } from './workgroup.repository';

/** The root workgroup's path (Octopoda prints it as "/"). */
export const ROOT_PATH = '';
const VERIFIED_TTL_MS = 60_000;

/** Octopoda trims one trailing "/" from paths; "/" itself is the root. */
export function normalizePath(path: string | undefined): string {
  return (path ?? '').replace(/\/$/, '');
}

/** True when `path` is `root` or below it. */
export function isSameOrSubPath(path: string, root: string): boolean {
  return path === root || (path.startsWith(`${root}/`) && path.length > root.length + 1);
}

/**
 * Workgroup passwords: stored hashed (scrypt). Every Octopoda request carries the password, so a successful
 * check is remembered for a minute by a digest of the secret, never the secret itself.
 */
@Injectable()
export class WorkgroupService {
  private readonly logger = new Logger('workgroup');
  private readonly verified = new Map<string, number>();

  constructor(
    @Inject(BRAIN_CONFIG) private readonly config: BrainConfig,
    private readonly groups: WorkgroupRepository,
  ) {}

  /** The root password comes from configuration; the database holds only its hash. */
  async ensureRootPassword(): Promise<void> {
    const existing = await this.groups.find(ROOT_PATH);
    const wanted = this.config.workgroup.rootPassword;
    if (existing && (await verifyPassword(wanted, existing.passwordHash))) return;
    await this.groups.setPasswordHash(ROOT_PATH, await hashPassword(wanted));
    this.verified.clear();
    this.logger.log(
      existing ? 'root workgroup password changed from configuration' : 'root workgroup created',
    );
  }

  async exists(path: string): Promise<boolean> {
    return (await this.groups.find(path)) !== null;
  }

  async checkPassword(path: string, password: string): Promise<boolean> {
    if (!password) return false;
    const digest = createHash('sha256').update(`${path}\0${password}`).digest('hex');
    const until = this.verified.get(digest);
    if (until && until > Date.now()) return true;
    const group = await this.groups.find(path);
    if (!group || !(await verifyPassword(password, group.passwordHash))) return false;
    this.verified.set(digest, Date.now() + VERIFIED_TTL_MS);
    return true;
  }
}
