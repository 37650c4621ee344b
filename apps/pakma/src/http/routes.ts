import type { IncomingMessage } from 'node:http';
import { historyLimit, parseHistoryTime } from '../state/history';
import type { Reply, Supervisor } from '../supervisor/supervisor';
import { readForm } from './form';

export type RouteHandler = (req: IncomingMessage, query: URLSearchParams) => Promise<Reply> | Reply;

/** Octopoda's pakma routes (`<METHOD> <path>`), each a thin call into the supervisor. */
export function pakmaRoutes(supervisor: Supervisor): Map<string, RouteHandler> {
  const version = async (req: IncomingMessage) => (await readForm(req)).get('version');
  return new Map<string, RouteHandler>([
    ['GET /state', () => supervisor.getState()],
    [
      'GET /history',
      (_req, query) => {
        // Octopoda took an absent or unreadable time as now, which drops entries of this very second: the last
        // `limit` entries are what it meant.
        const from = parseHistoryTime(query.get('time') ?? '') ?? Number.POSITIVE_INFINITY;
        return supervisor.history(from, historyLimit(query.get('limit')));
      },
    ],
    ['POST /install', async (req) => supervisor.install(await version(req))],
    ['POST /upgrade', async (req) => supervisor.upgrade(await version(req))],
    ['POST /confirm', () => supervisor.confirm()],
    ['POST /cancel', () => supervisor.cancel()],
    ['POST /downgrade', () => supervisor.downgrade()],
    ['POST /clean', () => supervisor.clean()],
  ]);
}
