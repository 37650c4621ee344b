import type { LogGet } from '@octopod/protocol';
import type { LogReply } from '../logs/log-service';
import type { SessionContext } from './handler-context';

/** `log.get` → `log.lines` (the last lines of this node's log files) or `error` (not_found without log files). */
export function logGetHandler(context: SessionContext): (body: LogGet) => Promise<LogReply> {
  return (body) => context.logs.get(body);
}
