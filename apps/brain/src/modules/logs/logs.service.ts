import { Inject, Injectable } from '@nestjs/common';
import { readLogTail } from '@octopod/logfiles';
import type { LogLines } from '@octopod/protocol';
import type { BrainConfig } from '../../core/config/brain-config';
import { BRAIN_CONFIG } from '../../core/config/config.tokens';
import { ApiError } from '../../core/http/api-error';
import { BRAIN_NAME } from '../scope/scope.service';
import { askNode } from '../sessions/ask-node';
import { SessionRegistry } from '../sessions/session-registry';

/** Octopoda's default (`octl log get` without -l; the tentacle also reads ≤ 0 as this). */
export const DEFAULT_LOG_LINES = 30;
/** A node reads its files on request: past this it is taken as not answering. */
const LOG_TIMEOUT_MS = 15_000;

export interface LogTail {
  node: string;
  /** The oldest day actually read: 0 = today, 1 = yesterday, … */
  oldestDay: number;
  /** Oldest first. */
  lines: string[];
}

/** The last lines of a node's daily log files (read by the node), or of the brain's own. */
@Injectable()
export class LogsService {
  constructor(
    @Inject(BRAIN_CONFIG) private readonly config: BrainConfig,
    private readonly registry: SessionRegistry,
  ) {}

  async get(name: string, maxLines: number, maxDaysBefore: number): Promise<LogTail> {
    const lines = maxLines > 0 ? maxLines : DEFAULT_LOG_LINES;
    const days = Math.max(0, maxDaysBefore);
    return name === BRAIN_NAME ? this.ofBrain(lines, days) : this.ofNode(name, lines, days);
  }

  private async ofBrain(maxLines: number, maxDaysBefore: number): Promise<LogTail> {
    const { path, namePrefix } = this.config.logger;
    if (!path) throw ApiError.notFound('no_logs', 'the brain keeps no log files (logger.path is not set)');
    const tail = await readLogTail({ dir: path, prefix: namePrefix, maxLines, maxDaysBefore });
    return { node: BRAIN_NAME, oldestDay: tail.oldestDay, lines: tail.lines };
  }

  private async ofNode(node: string, maxLines: number, maxDaysBefore: number): Promise<LogTail> {
    const body = (await askNode(
      this.registry,
      node,
      { kind: 'log.get', body: { maxLines, maxDaysBefore }, timeoutMs: LOG_TIMEOUT_MS },
      { not_found: (message) => ApiError.notFound('no_logs', message) },
    )) as LogLines;
    return { node, oldestDay: body.maxDaysBefore, lines: body.lines };
  }
}
