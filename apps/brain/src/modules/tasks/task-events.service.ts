import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { Invocation, TaskState } from '../../generated/prisma/client';

export type TaskEvent =
  | { type: 'invocation'; invocation: Invocation }
  | { type: 'output'; invocationId: string; node: string; stream: string; offset: number; data: string }
  | { type: 'done'; taskId: string; state: TaskState; doneAt: Date }
  /** A file transfer moved on: `bytes` of `total` confirmed by the receiving side. */
  | { type: 'progress'; invocationId: string; node: string; bytes: number; total: number };

/** Live events of running tasks, for server-sent event streams (in this process). */
@Injectable()
export class TaskEventsService {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  emit(taskId: string, event: TaskEvent): void {
    this.emitter.emit(taskId, event);
  }

  subscribe(taskId: string, listener: (event: TaskEvent) => void): () => void {
    this.emitter.on(taskId, listener);
    return () => this.emitter.off(taskId, listener);
  }
}
