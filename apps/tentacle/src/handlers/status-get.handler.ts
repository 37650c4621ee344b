import type { DownstreamHandler, SessionContext } from './handler-context';

/** Answers with a fresh sample of this node's status. */
export function statusGetHandler(context: SessionContext): DownstreamHandler<'status.get'> {
  return async () => ({ kind: 'status', body: await context.status.snapshot(context.name) });
}
