import { Injectable, type MessageEvent } from '@nestjs/common';
import { Observable, type Subscriber } from 'rxjs';
import type { Invocation, TaskState } from '../../generated/prisma/client';
import { TaskEventsService, type TaskEvent } from './task-events.service';
import { toInvocationDto, toTaskDetailDto } from './tasks.dto';
import { TasksRepository, type TaskWithInvocations } from './tasks.repository';

export interface Corkable {
  cork(): void;
  uncork(): void;
}

/** Passes events on, holding the socket's writes until the end of the current turn of the event loop. */
function corking(
  subscriber: Subscriber<MessageEvent>,
  socket: Corkable,
): Pick<Subscriber<MessageEvent>, 'next' | 'error' | 'complete'> {
  let corked = false;
  const cork = () => {
    if (corked) return;
    corked = true;
    socket.cork();
    setImmediate(() => {
      corked = false;
      socket.uncork();
    });
  };
  return {
    next: (event) => {
      cork();
      subscriber.next(event);
    },
    error: (error: unknown) => subscriber.error(error),
    complete: () => subscriber.complete(),
  };
}

const chunkKey = (c: { invocationId: string; stream: string; offset: number }) =>
  `${c.invocationId}/${c.stream}/${c.offset}`;

/**
 * A task as server-sent events: first a replay of what is stored (every invocation, all output so far), then
 * live events, ending with `done`. Events that arrive during the replay are held back and sent after it.
 */
@Injectable()
export class TaskStreamService {
  constructor(
    private readonly tasks: TasksRepository,
    private readonly events: TaskEventsService,
  ) {}

  /**
   * `socket`, when given, is corked for the rest of the event-loop turn at the first event of a burst, so a burst
   * (a batch of a thousand invocations finishing) leaves in one write instead of one per event.
   */
  stream(task: TaskWithInvocations, socket?: Corkable): Observable<MessageEvent> {
    return new Observable<MessageEvent>((outer) => {
      const subscriber = socket ? corking(outer, socket) : outer;
      const held: TaskEvent[] = [];
      let replaying = true;
      let finished = false;
      const nodeOf = new Map(task.invocations.map((i) => [i.id, i.node]));
      // The latest row of every invocation, as sent: `done` carries them without reading the task again.
      const latest = new Map<string, Invocation>();
      let stored: TaskWithInvocations = task;

      const finish = (state: TaskState, doneAt: Date) => {
        if (finished) return;
        finished = true;
        const invocations = stored.invocations.map((i) => latest.get(i.id) ?? i);
        subscriber.next({ type: 'done', data: toTaskDetailDto({ ...stored, state, doneAt, invocations }) });
        subscriber.complete();
      };
      const send = (event: TaskEvent) => {
        if (finished) return;
        if (event.type === 'invocation') {
          latest.set(event.invocation.id, event.invocation);
          subscriber.next({ type: 'invocation', data: toInvocationDto(event.invocation) });
        } else if (event.type === 'output') {
          const { invocationId, node, stream, data } = event;
          subscriber.next({ type: 'output', data: { invocationId, node, stream, data } });
        } else if (event.type === 'progress') {
          const { invocationId, node, bytes, total } = event;
          subscriber.next({ type: 'progress', data: { invocationId, node, bytes, total } });
        } else finish(event.state, event.doneAt);
      };
      const unsubscribe = this.events.subscribe(task.id, (event) =>
        replaying ? held.push(event) : send(event),
      );

      void (async () => {
        stored = (await this.tasks.find(task.id)) ?? task;
        for (const invocation of stored.invocations) send({ type: 'invocation', invocation });
        // A chunk stored while this replay read may also be among the held live events: sent once only.
        const replayed = new Set<string>();
        for (const chunk of await this.tasks.outputOfTask(task.id)) {
          replayed.add(chunkKey(chunk));
          send({ type: 'output', ...chunk, node: nodeOf.get(chunk.invocationId) ?? '' });
        }
        replaying = false;
        if (stored.doneAt) return finish(stored.state, stored.doneAt);
        for (const event of held.splice(0)) {
          if (event.type !== 'output' || !replayed.has(chunkKey(event))) send(event);
        }
      })().catch((error: Error) => subscriber.error(error));

      return unsubscribe;
    });
  }
}
