import type { TaskEventsService } from '../tasks/task-events.service';

/** Progress events at most this often per transfer (the last one always goes). */
const PROGRESS_EVERY_MS = 250;

/** Reports a transfer's confirmed bytes on its task's event stream, throttled. */
export function progressReporter(
  events: TaskEventsService,
  taskId: string,
  invocationId: string,
  node: string,
): (bytes: number, total: number) => void {
  let last = 0;
  return (bytes, total) => {
    const now = Date.now();
    if (bytes < total && now - last < PROGRESS_EVERY_MS) return;
    last = now;
    events.emit(taskId, { type: 'progress', invocationId, node, bytes, total });
  };
}
