import { Injectable } from '@nestjs/common';
import { ROOT_PATH, WorkgroupService } from '../workgroup/workgroup.service';
import { ScopeRepository } from './scope.repository';

/** The word that names the brain's own host; never a member of a group, allowed only where a route says so. */
export const BRAIN_NAME = 'brain';

/**
 * Which nodes a caller may see and touch: the members of its current workgroup (the root's members are all nodes).
 * The ScopeGuard asks it for every route; listing handlers ask it to filter what they show.
 */
@Injectable()
export class ScopeService {
  constructor(
    private readonly workgroups: WorkgroupService,
    private readonly repository: ScopeRepository,
  ) {}

  /** Members of the workgroup at `path`, or null for the root (everything is in scope). */
  async membersOf(path: string): Promise<Set<string> | null> {
    if (path === ROOT_PATH) return null;
    return new Set((await this.workgroups.membersOf(path)) ?? []);
  }

  /** The names (in order, without repeats) that are outside the scope of `path`. */
  async outside(names: Iterable<string>, path: string): Promise<string[]> {
    const members = await this.membersOf(path);
    if (!members) return [];
    return [...new Set(names)].filter((name) => !members.has(name));
  }

  /** Whether a node may be shown to a caller at `path` (for listing handlers). */
  async filter<T>(items: T[], path: string, nameOf: (item: T) => string): Promise<T[]> {
    const members = await this.membersOf(path);
    return members ? items.filter((item) => members.has(nameOf(item))) : items;
  }

  /** Octopoda's `@g` seen from `path`: the members of `<path>/g` (any depth); null for an unknown or empty group. */
  groupMembers(path: string, group: string): Promise<string[] | null> {
    return this.workgroups.resolveGroupRef(path, `@${group}`);
  }

  nodesOfTask(taskId: string): Promise<string[] | null> {
    return this.repository.nodesOfTask(taskId);
  }
}
