import type { NodeAppList } from '@octopod/protocol';
import type { NodeAppListReply } from '../nodeapps/nodeapp-service';
import type { SessionContext } from './handler-context';

/** `nodeapp.list` → `nodeapp.list.result` or `error` (not_found for a missing `only`, io_failed, not_supported). */
export function nodeAppListHandler(
  context: SessionContext,
): (body: NodeAppList) => Promise<NodeAppListReply> {
  return (body) => context.nodeapps.list(body);
}
