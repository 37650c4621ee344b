import { Controller, Get, Query } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AccessLevel } from '../../core/auth/access.decorator';
import { NodeScope } from '../../core/auth/node-scope.decorator';
import { ApiError, V1Reply } from '../../core/http/api-error';
import { MAX_LOG_DAYS, MAX_LOG_LINES } from '../logs/logs.query';
import { DEFAULT_LOG_LINES, LogsService } from '../logs/logs.service';
import { singleQuery } from './v1.mappers';

/** Octopoda's LogParams (protocols): what was asked, answered with what was read. */
export interface V1LogParams {
  MaxLines: number;
  MaxDaysBefore: number;
  Logs: string[];
}

/** Octopoda answers every failure here with an empty body. */
const emptyBody = (status: number) => new V1Reply(status, undefined);

/**
 * Go's strconv.Atoi of a query value, absent or empty being `fallback`, clamped into [min, max]: Octopoda took any
 * integer (its tentacle read lines ≤ 0 as 30), so only what is not one is refused (null).
 */
function goCount(value: unknown, fallback: number, min: number, max: number): number | null {
  const text = singleQuery(value);
  if (text === undefined || text === '') return fallback;
  if (!/^[+-]?\d+$/.test(text)) return null;
  return Math.min(max, Math.max(min, Number(text)));
}

/** Octopoda's `GET /node/log` (reference spec §2.2, §14). */
@ApiExcludeController()
@AccessLevel('octopoda')
@Controller('api/v1')
export class LogsV1Controller {
  constructor(private readonly logs: LogsService) {}

  /** `brain` is allowed from any workgroup, as in Octopoda. */
  @Get('node/log')
  @NodeScope({
    kind: 'names',
    from: [{ in: 'query', field: 'name' }],
    allowBrain: true,
    refuse: () => emptyBody(400),
  })
  async log(
    @Query('name') nameQuery?: unknown,
    @Query('maxlines') linesQuery?: unknown,
    @Query('maxdaysbefore') daysQuery?: unknown,
  ): Promise<V1LogParams> {
    const name = singleQuery(nameQuery);
    const lines = goCount(linesQuery, DEFAULT_LOG_LINES, 0, MAX_LOG_LINES);
    const days = goCount(daysQuery, 0, 0, MAX_LOG_DAYS);
    if (!name || lines === null || days === null) throw emptyBody(400);
    try {
      const tail = await this.logs.get(name, lines, days);
      return { MaxLines: tail.lines.length, MaxDaysBefore: tail.oldestDay, Logs: tail.lines };
    } catch (error) {
      // Unknown, offline, silent or without log files: Octopoda could not get them, and says no more.
      if (error instanceof ApiError) throw emptyBody(404);
      throw error;
    }
  }
}
