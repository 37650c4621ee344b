import { z } from 'zod';

/** The most lines one `log.get` may ask for (and one `log.lines` may carry). */
export const MAX_LOG_LINES = 10_000;

/**
 * Brain → tentacle: the node's own log, the last `maxLines` lines (0 = the tentacle's default, 30) reading
 * today's file and up to `maxDaysBefore` earlier days (Octopoda's `GET /node/log`).
 */
export const logGetSchema = z.object({
  maxLines: z.number().int().min(0).max(MAX_LOG_LINES),
  maxDaysBefore: z.number().int().min(0).max(366),
});

/** Tentacle → brain, the reply to `log.get`: lines oldest first, newest last. */
export const logLinesSchema = z.object({
  lines: z.array(z.string()).max(MAX_LOG_LINES),
  /** How many days back the oldest file actually read is (0 = today's only). */
  maxDaysBefore: z.number().int().nonnegative(),
});

export type LogGet = z.infer<typeof logGetSchema>;
export type LogLines = z.infer<typeof logLinesSchema>;
