import type { SessionContext } from './handler-context';

/** A `task.result.ack` that came on its own (not as the reply to one `task.result`): nothing to answer. */
export function taskResultAckHandler(context: SessionContext): (body: { invocationIds: string[] }) => void {
  return (body) => context.tasks.acknowledge(body.invocationIds);
}
