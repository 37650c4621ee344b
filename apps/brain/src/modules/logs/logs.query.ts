import { MAX_LOG_LINES } from '@octopod/protocol';

/** The most lines one request may ask for: what one `log.get` may carry. */
export { MAX_LOG_LINES };
/** How many days back a request may reach (as `log.get` allows). */
export const MAX_LOG_DAYS = 366;

/**
 * A count from a query string: `fallback` when absent or empty, null when it is not a whole number in
 * [0, max] (each face answers that in its own way).
 */
export function countQuery(value: unknown, fallback: number, max: number): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text === '') return fallback;
  if (typeof text !== 'string' || !/^\d+$/.test(text)) return null;
  const count = Number(text);
  return count <= max ? count : null;
}
