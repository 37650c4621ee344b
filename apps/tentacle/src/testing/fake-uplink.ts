import type { ClockEstimate, Envelope, TaskOutput, TaskResult, TaskStarted } from '@octopod/protocol';
import { waitFor } from '@octopod/testing';
import type { TaskEvents, TaskUplink } from '../exec/task-service';

/** Plays the brain's end of a session for a TaskRunner: records what it is sent, acknowledges results. */
export class FakeUplink implements TaskUplink {
  readonly started: TaskStarted[] = [];
  readonly outputs: TaskOutput[] = [];
  /** Every result received, re-sends included. */
  readonly results: TaskResult[] = [];
  /** Acknowledge results (the reply to `task.result`); when false they are left unanswered. */
  ack = true;
  clock: ClockEstimate | null = { delayMs: 0.2, offsetMs: 0, offsetErrorMs: 0.2 };
  /** Pretend the socket is backed up. */
  jammed = false;
  private readonly unanswered: ((error: Error) => void)[] = [];

  send<K extends keyof TaskEvents>(kind: K, body: TaskEvents[K]): void {
    if (kind === 'task.started') this.started.push(body as TaskStarted);
    else this.outputs.push(body as TaskOutput);
  }

  request(_kind: 'task.result', body: TaskResult, timeoutMs?: number): Promise<Envelope> {
    this.results.push(structuredClone(body));
    if (!this.ack) {
      // Unanswered: rejected when the request times out (as Peer does) or the session closes.
      return new Promise((_resolve, reject) => {
        this.unanswered.push(reject);
        if (timeoutMs !== undefined) setTimeout(() => reject(new Error('timeout')), timeoutMs);
      });
    }
    return Promise.resolve({
      v: 1,
      id: `ack-${this.results.length}`,
      kind: 'task.result.ack',
      ts: Date.now(),
      body: { invocationIds: [body.invocationId] },
    });
  }

  estimate(): ClockEstimate | null {
    return this.clock;
  }

  congested(): boolean {
    return this.jammed;
  }

  /** What a closing session does to requests still waiting for a reply. */
  close(): void {
    for (const reject of this.unanswered.splice(0)) reject(new Error('link closed'));
  }

  result(invocationId: string, timeoutMs = 15_000): Promise<TaskResult> {
    return waitFor(() => this.results.find((r) => r.invocationId === invocationId), {
      timeoutMs,
      what: `result of ${invocationId}`,
      intervalMs: 10,
    });
  }

  startedOf(invocationId: string): Promise<TaskStarted> {
    return waitFor(() => this.started.find((s) => s.invocationId === invocationId), {
      what: `start of ${invocationId}`,
      intervalMs: 5,
    });
  }

  /** The whole stream as sent in chunks, checking the chunks are contiguous. */
  stream(invocationId: string, stream: 'stdout' | 'stderr'): string {
    const chunks = this.outputs.filter((o) => o.invocationId === invocationId && o.stream === stream);
    let offset = 0;
    let text = '';
    for (const chunk of chunks) {
      if (chunk.offset !== offset) throw new Error(`chunk at ${chunk.offset}, expected ${offset}`);
      offset += Buffer.byteLength(chunk.data);
      text += chunk.data;
    }
    return text;
  }
}
