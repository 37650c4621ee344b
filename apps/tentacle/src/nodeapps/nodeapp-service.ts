import type { NodeAppList, NodeAppListResult, ProtocolErrorBody } from '@octopod/protocol';

/** Stable codes of an `error` reply to `nodeapp.list`. */
export type NodeAppErrorCode = 'not_supported' | 'not_found' | 'io_failed';

export interface NodeAppErrorReply {
  kind: 'error';
  body: ProtocolErrorBody & { code: NodeAppErrorCode };
}

export type NodeAppListReply = { kind: 'nodeapp.list.result'; body: NodeAppListResult } | NodeAppErrorReply;

/** What the nodeapp handler calls: the tentacle's nodeapps, or none. */
export interface NodeAppService {
  /** The nodeapps of this node (or the one asked for) with their versions. */
  list(body: NodeAppList): Promise<NodeAppListReply>;
}

export function nodeAppError(code: NodeAppErrorCode, message: string): NodeAppErrorReply {
  return { kind: 'error', body: { code, message: message.slice(0, 4096) } };
}

/** For links without a workspace (tests of the link alone, the swarm): refuses every nodeapp request. */
export const noNodeApps: NodeAppService = {
  list: async () => nodeAppError('not_supported', 'this tentacle keeps no nodeapps'),
};
