import type { SessionContext } from './handler-context';
import { taskAssignHandler } from './task-assign.handler';
import { taskCancelHandler } from './task-cancel.handler';
import { taskResultAckHandler } from './task-result-ack.handler';

/** The handlers of the task kinds, spread into `createHandlers` (handler-map.ts). */
export function taskHandlers(context: SessionContext) {
  return {
    'task.assign': taskAssignHandler(context),
    'task.cancel': taskCancelHandler(context),
    'task.result.ack': taskResultAckHandler(context),
  };
}
