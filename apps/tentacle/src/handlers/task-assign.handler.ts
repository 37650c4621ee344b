import type { TaskAssign } from '@octopod/protocol';
import type { AssignReply } from '../exec/task-service';
import type { SessionContext } from './handler-context';

/** `task.assign` → `task.accepted` (before anything runs) or `error` (align_refused, bad_request...). */
export function taskAssignHandler(context: SessionContext): (body: TaskAssign) => Promise<AssignReply> {
  return (body) => context.tasks.assign(body);
}
