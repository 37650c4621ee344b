import type { TaskResult } from '@octopod/protocol';
import { taskResultSchema } from '@octopod/protocol';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { syncFile } from './journal';

/** Results waiting for the brain's `task.result.ack`, kept until it names them. */
export interface ResultSpool {
  put(result: TaskResult): void;
  get(id: string): TaskResult | undefined;
  has(id: string): boolean;
  remove(id: string): boolean;
  /** Every waiting result, oldest first. */
  list(): TaskResult[];
}

/**
 * A file name for an id (ids come from the brain): plain ids as they are, anything else hex-encoded behind a
 * `~`, which no plain id contains, so two ids never share a file.
 */
export function spoolFileName(id: string): string {
  return /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(id)
    ? `${id}.json`
    : `~${Buffer.from(id, 'utf8').toString('hex')}.json`;
}

/**
 * One file per result under `<dir>`, written to a temporary file, fsync'd and renamed, so a crash leaves either
 * the whole result or none. The files are read once at start and mirrored in memory.
 */
export class FileSpool implements ResultSpool {
  private readonly results = new Map<string, TaskResult>();

  constructor(
    private readonly dir: string,
    private readonly onBadFile: (file: string, reason: string) => void = () => undefined,
  ) {
    mkdirSync(dir, { recursive: true });
    const loaded: TaskResult[] = [];
    for (const file of readdirSync(dir)) {
      const path = join(dir, file);
      if (!file.endsWith('.json')) {
        // A temporary file of a write the crash interrupted.
        rmSync(path, { force: true });
        continue;
      }
      try {
        loaded.push(taskResultSchema.parse(JSON.parse(readFileSync(path, 'utf8'))));
      } catch (error) {
        this.onBadFile(file, (error as Error).message);
        rmSync(path, { force: true });
      }
    }
    loaded.sort((a, b) => a.endedAt - b.endedAt);
    for (const result of loaded) this.results.set(result.invocationId, result);
  }

  put(result: TaskResult): void {
    const path = join(this.dir, spoolFileName(result.invocationId));
    const temp = `${path}.tmp`;
    writeFileSync(temp, JSON.stringify(result));
    syncFile(temp);
    renameSync(temp, path);
    syncFile(this.dir);
    this.results.set(result.invocationId, result);
  }

  get(id: string): TaskResult | undefined {
    return this.results.get(id);
  }

  has(id: string): boolean {
    return this.results.has(id);
  }

  remove(id: string): boolean {
    if (!this.results.delete(id)) return false;
    rmSync(join(this.dir, spoolFileName(id)), { force: true });
    return true;
  }

  list(): TaskResult[] {
    return [...this.results.values()];
  }
}

export class MemorySpool implements ResultSpool {
  private readonly results = new Map<string, TaskResult>();

  put(result: TaskResult): void {
    this.results.set(result.invocationId, result);
  }

  get(id: string): TaskResult | undefined {
    return this.results.get(id);
  }

  has(id: string): boolean {
    return this.results.has(id);
  }

  remove(id: string): boolean {
    return this.results.delete(id);
  }

  list(): TaskResult[] {
    return [...this.results.values()];
  }
}
