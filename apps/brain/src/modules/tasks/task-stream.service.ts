import { Injectable, type MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';
import { TaskEventsService, type TaskEvent } from './task-events.service';
import { toInvocationDto, toTaskDetailDto } from './tasks.dto';
import { TasksRepository, type TaskWithInvocations } from './tasks.repository';

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

  stream(task: TaskWithInvocations): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      const held: TaskEvent[] = [];
      let replaying = true;
      let finished = false;
      const nodeOf = new Map(task.invocations.map((i) => [i.id, i.node]));

      const finish = async () => {
        if (finished) return;
        finished = true;
        const detail = await this.tasks.find(task.id);
        if (detail) subscriber.next({ type: 'done', data: toTaskDetailDto(detail) });
        subscriber.complete();
      };
      const send = (event: TaskEvent) => {
        if (finished) return;
        if (event.type === 'invocation')
          subscriber.next({ type: 'invocation', data: toInvocationDto(event.invocation) });
        else if (event.type === 'output') {
          const { invocationId, node, stream, data } = event;
          subscriber.next({ type: 'output', data: { invocationId, node, stream, data } });
        } else void finish();
      };
      const unsubscribe = this.events.subscribe(task.id, (event) =>
        replaying ? held.push(event) : send(event),
      );

      void (async () => {
        const current = (await this.tasks.find(task.id)) ?? task;
        for (const invocation of current.invocations) send({ type: 'invocation', invocation });
        for (const chunk of await this.tasks.outputOf(current.invocations.map((i) => i.id))) {
          send({
            type: 'output',
            invocationId: chunk.invocationId,
            node: nodeOf.get(chunk.invocationId) ?? '',
            stream: chunk.stream,
            data: chunk.data,
          });
        }
        replaying = false;
        if (current.doneAt) return finish();
        for (const event of held.splice(0)) send(event);
      })().catch((error: Error) => subscriber.error(error));

      return unsubscribe;
    });
  }
}
