import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import type { EventEmitter } from 'node:events';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { LinkEvents } from './link';

/**
 * Name of the link status file in `state.dir` (default `<workspace.root>/.octopod`, so
 * `/var/octopoda/tentacle/workspace/.octopod/link-status.json`). pakma reads it to decide whether a new version
 * came up healthy.
 */
export const LINK_STATUS_FILE = 'link-status.json';

/** What the file holds: this process's version and whether its link to the brain is welcomed, since when. */
export interface LinkStatus {
  version: string;
  node: string;
  connected: boolean;
  /** ISO time of the last change of `connected` (or of the start). */
  since: string;
  pid: number;
}

export interface LinkStatusOptions {
  stateDir: string;
  node: string;
  version: string;
  logger: Logger;
  now?: () => Date;
}

export function linkStatusPath(stateDir: string): string {
  return join(stateDir, LINK_STATUS_FILE);
}

/** Writes the file whole or not at all: a temp file renamed over it, so a reader never sees half of it. */
export function writeLinkStatus(path: string, status: LinkStatus): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(status)}\n`, { mode: 0o644 });
  renameSync(temp, path);
}

/**
 * Keeps the link status file up to date: `connected: false` at once, `true` on every welcome (`ready`), `false`
 * on every loss (`down`). A failed write is logged, never thrown: the agent runs on without it.
 */
export function recordLinkStatus(events: EventEmitter<LinkEvents>, options: LinkStatusOptions): void {
  const path = linkStatusPath(options.stateDir);
  const now = options.now ?? (() => new Date());
  let connected: boolean | undefined;
  const record = (next: boolean) => {
    if (next === connected) return;
    connected = next;
    const status = {
      version: options.version,
      node: options.node,
      connected: next,
      since: now().toISOString(),
      pid: process.pid,
    };
    try {
      writeLinkStatus(path, status);
    } catch (error) {
      options.logger.warn({ err: (error as Error).message, path }, 'cannot write the link status file');
    }
  };
  record(false);
  events.on('ready', () => record(true));
  events.on('down', () => record(false));
}
