import type { CancelReply } from '../exec/task-service';
import type { SessionContext } from './handler-context';

/** `task.cancel` → `task.cancel.ok`; the `cancelled` result follows once the process group is gone. */
export function taskCancelHandler(context: SessionContext): (body: { invocationId: string }) => CancelReply {
  return (body) => context.tasks.cancel(body.invocationId);
}
