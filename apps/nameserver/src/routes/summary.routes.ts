import { sendJson } from '../http/reply';
import { HTTPS_ONLY, type Route } from '../http/router';
import type { RequestStats } from '../stats';

/** `GET /summary`, also under Octopoda's documented misspelling `/summery`. */
export function summaryRoutes(stats: RequestStats): Route[] {
  return ['/summary', '/summery'].map((path) => ({
    method: 'GET' as const,
    path,
    faces: HTTPS_ONLY,
    handle: ({ res }) => sendJson(res, 200, stats.summary()),
  }));
}
