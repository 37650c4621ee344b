import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { BRAIN_CONFIG } from '../../core/config/config.tokens';
import type { BrainConfig } from '../../core/config/brain-config';
import { hashPassword, verifyPassword } from './password-hash';
import { WorkgroupRepository } from './workgroup.repository';
import {
  groupPathOfRef,
  isDirectChild,
  isSameOrSubPath,
  isValidPath,
  normalizePath,
  ROOT_PATH,
} from './workgroup-path';

// Older imports take the path rules from here.
export { isSameOrSubPath, normalizePath, ROOT_PATH } from './workgroup-path';

const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX = 1_024;
/** Octopoda refuses shorter passwords (its message says "longer than 6", it means at least 6). */
export const MIN_PASSWORD_LENGTH = 6;

export type WorkgroupErrorCode =
  | 'bad_path'
  | 'not_under_root'
  | 'not_direct_child'
  | 'not_found'
  | 'password_too_short'
  | 'empty_members'
  | 'invalid_members';

/** A workgroup rule was broken; each face turns the code into its own status and body. */
export class WorkgroupError extends Error {
  override readonly name = 'WorkgroupError';

  constructor(
    readonly code: WorkgroupErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Who is asking: the group they authenticated as, and the group whose members they act on. */
export interface WorkgroupCaller {
  rootPath: string;
  scopePath: string;
}

/** The request's caller (set by the AccessGuard); the root when no guard ran. */
export function callerOrRoot(caller: WorkgroupCaller | undefined): WorkgroupCaller {
  return caller ?? { rootPath: ROOT_PATH, scopePath: ROOT_PATH };
}

/** Runs `work`; a broken workgroup rule becomes the error the face answers with. */
export async function answerAs<T>(work: Promise<T>, toFace: (error: WorkgroupError) => Error): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw error instanceof WorkgroupError ? toFace(error) : error;
  }
}

export interface WorkgroupView {
  path: string;
  /** Full paths of the groups one level down, sorted. */
  children: string[];
  members: string[];
  /** False for a group made by `add` and never granted: nobody can log into it. */
  hasPassword: boolean;
}

export interface MembershipChange {
  path: string;
  /** The group's members afterwards (empty when it was deleted). */
  members: string[];
  /** Groups deleted because they were left empty (or named for deletion), with their subtrees. */
  deleted: string[];
}

/**
 * Octopoda's workgroup tree (reference spec §12): the root holds every node, each group below holds a subset of its
 * parent's members, and only a direct child of the caller's root group may be changed. Passwords are stored hashed
 * (scrypt); every Octopoda request carries one, so a successful check is remembered for a minute by a digest of
 * the secret and the stored hash — a grant on any brain instance changes the hash and so ends the memory.
 */
@Injectable()
export class WorkgroupService {
  private readonly logger = new Logger('workgroup');
  private readonly verified = new Map<string, number>();
  private decoy: Promise<string> | undefined;

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
    const group = await this.groups.find(path);
    if (!group?.passwordHash) {
      // Missing, or made by `add` and never granted. The same slow check runs anyway, so the answer's timing does
      // not tell which groups exist.
      await verifyPassword(password, await this.decoyHash());
      return false;
    }
    const digest = createHash('sha256').update(`${path}\0${password}\0${group.passwordHash}`).digest('hex');
    const until = this.verified.get(digest);
    if (until && until > Date.now()) return true;
    if (!(await verifyPassword(password, group.passwordHash))) return false;
    this.remember(digest);
    return true;
  }

  /** A hash no password matches, made once, to spend a real check's time on a group that cannot log in. */
  private decoyHash(): Promise<string> {
    return (this.decoy ??= hashPassword(randomBytes(32).toString('hex')));
  }

  /** Members of a group, sorted: every node for the root; null when there is no such group. */
  async membersOf(path: string): Promise<string[] | null> {
    if (path === ROOT_PATH) return this.groups.nodeNames();
    if (!(await this.groups.find(path))) return null;
    return this.groups.members(path);
  }

  /** Full paths of a group's direct children, sorted; null when there is no such group. */
  async childrenOf(path: string): Promise<string[] | null> {
    if (!(await this.groups.find(path))) return null;
    return (await this.groups.descendants(path)).filter((child) => isDirectChild(child, path));
  }

  /**
   * Members named by a `@group` reference seen from `currentPath`: `@g` (any depth, `@g/sub`) is below it; `@`,
   * `@ALL` and `@all` are the current group. Null for an unknown group, one without members, or a non-reference.
   */
  async resolveGroupRef(currentPath: string, ref: string): Promise<string[] | null> {
    const path = groupPathOfRef(currentPath, ref);
    const members = path === null ? null : await this.membersOf(path);
    return members && members.length > 0 ? members : null;
  }

  /** A group under the caller's root, with its children and members. */
  async view(caller: WorkgroupCaller, rawPath: string): Promise<WorkgroupView> {
    const path = this.underRoot(caller, rawPath);
    const group = await this.groups.find(path);
    if (!group) throw new WorkgroupError('not_found', `no workgroup at ${path || '/'}`);
    const [children, members] = await Promise.all([this.childrenOf(path), this.membersOf(path)]);
    return { path, children: children ?? [], members: members ?? [], hasPassword: group.passwordHash !== '' };
  }

  /**
   * Adds nodes to a direct child of the caller's root, creating it (without a password) if needed. The nodes must
   * be members of the caller's current group. The root's own members (root caller, path "") are the node table:
   * adding known nodes there changes nothing.
   */
  async addMembers(caller: WorkgroupCaller, rawPath: string, names: string[]): Promise<MembershipChange> {
    const path = this.changeable(caller, rawPath);
    if (names.length === 0) throw new WorkgroupError('empty_members', 'no members to add');
    const scope = path === ROOT_PATH ? await this.groups.nodeNames() : await this.membersOf(caller.scopePath);
    const outside = names.filter((name) => !scope?.includes(name));
    if (outside.length > 0) {
      throw new WorkgroupError(
        'invalid_members',
        `not nodes of the current workgroup: ${outside.join(', ')}`,
      );
    }
    if (path !== ROOT_PATH) await this.groups.addMembers(path, [...new Set(names)]);
    return { path, members: (await this.membersOf(path)) ?? [], deleted: [] };
  }

  /**
   * Removes nodes from a direct child of the caller's root and from every group below it; a group left empty is
   * deleted with its subtree. No names: the group and its subtree are deleted. On the root (root caller, path "")
   * the nodes leave every group but stay nodes (`node prune` forgets them).
   */
  async removeMembers(caller: WorkgroupCaller, rawPath: string, names: string[]): Promise<MembershipChange> {
    const path = this.changeable(caller, rawPath);
    const current = (await this.membersOf(path)) ?? [];
    const strangers = names.filter((name) => !current.includes(name));
    if (strangers.length > 0) {
      throw new WorkgroupError('invalid_members', `not members of ${path || '/'}: ${strangers.join(', ')}`);
    }
    const deleted =
      names.length === 0
        ? await this.groups.deleteSubtree(path)
        : await this.groups.removeMembers(path, [...new Set(names)]);
    if (deleted.length > 0) this.logger.log(`deleted workgroups ${deleted.join(', ')}`);
    const members = deleted.includes(path) ? [] : ((await this.membersOf(path)) ?? []);
    return { path, members, deleted };
  }

  /** Deletes a direct child of the caller's root with its subtree. */
  async removeGroup(caller: WorkgroupCaller, rawPath: string): Promise<MembershipChange> {
    const path = this.changeable(caller, rawPath);
    if (path === ROOT_PATH || !(await this.groups.find(path))) {
      throw new WorkgroupError('not_found', `no workgroup at ${path || '/'}`);
    }
    return this.removeMembers(caller, path, []);
  }

  /** Sets the password of an existing direct child of the caller's root, so it can be logged into. */
  async grant(caller: WorkgroupCaller, rawPath: string, password: string): Promise<void> {
    if (password.length < MIN_PASSWORD_LENGTH) {
      throw new WorkgroupError(
        'password_too_short',
        `a workgroup password has at least ${MIN_PASSWORD_LENGTH} characters`,
      );
    }
    const path = normalizePath(rawPath);
    if (!isDirectChild(path, caller.rootPath)) throw this.notDirectChild(caller, path);
    if (!(await this.groups.updatePasswordHash(path, await hashPassword(password)))) {
      throw new WorkgroupError('not_found', `no workgroup at ${path}`);
    }
    this.verified.clear();
  }

  /** A pruned node leaves every group; groups left empty are deleted with their subtrees. */
  async forgetNode(name: string): Promise<string[]> {
    const deleted = await this.groups.removeMembers(ROOT_PATH, [name]);
    if (deleted.length > 0) this.logger.log(`node ${name} pruned; deleted workgroups ${deleted.join(', ')}`);
    return deleted;
  }

  private underRoot(caller: WorkgroupCaller, rawPath: string): string {
    const path = normalizePath(rawPath);
    if (!isSameOrSubPath(path, caller.rootPath)) {
      throw new WorkgroupError('not_under_root', `${path || '/'} is not under ${caller.rootPath || '/'}`);
    }
    return path;
  }

  /** A path the caller may change: a direct child of its root, or the root itself for a root caller ("sudo"). */
  private changeable(caller: WorkgroupCaller, rawPath: string): string {
    const path = normalizePath(rawPath);
    if (path === ROOT_PATH && caller.rootPath === ROOT_PATH) return path;
    if (!isDirectChild(path, caller.rootPath)) throw this.notDirectChild(caller, path);
    if (!isValidPath(path))
      throw new WorkgroupError('bad_path', `${JSON.stringify(path)} is not a valid path`);
    return path;
  }

  private notDirectChild(caller: WorkgroupCaller, path: string): WorkgroupError {
    return new WorkgroupError(
      'not_direct_child',
      `${path || '/'} is not directly under ${caller.rootPath || '/'}: log into its parent group to change it`,
    );
  }

  private remember(digest: string): void {
    if (this.verified.size >= VERIFIED_MAX) {
      const now = Date.now();
      for (const [key, until] of this.verified) if (until <= now) this.verified.delete(key);
      if (this.verified.size >= VERIFIED_MAX) this.verified.clear();
    }
    this.verified.set(digest, Date.now() + VERIFIED_TTL_MS);
  }
}
