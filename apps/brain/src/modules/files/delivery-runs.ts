import type { Logger } from '@nestjs/common';
import { ProtocolError, type Envelope } from '@octopod/protocol';
import type { InvocationLedger } from '../tasks/invocation-ledger.service';

/** One delivery of an invocation in this process; `stop` (a cancel) reaches whatever it is doing. */
export class DeliveryRun {
  stopped: string | undefined;
  private stopper: ((reason: string) => void) | undefined;

  /** What `stop` does from now on (abort the sender or the sink). */
  onStop(stopper: (reason: string) => void): void {
    this.stopper = stopper;
    if (this.stopped) stopper(this.stopped);
  }

  stop(reason: string): void {
    this.stopped ??= reason;
    this.stopper?.(reason);
  }
}

/**
 * The deliveries running in this process, one per invocation at most: a node that reconnects while its old
 * transfer is still winding down, or a requeue racing the node's join, must not start a second one.
 */
export class DeliveryRuns {
  private readonly runs = new Map<string, DeliveryRun>();

  /** A new run, or undefined when one is already under way for this invocation. */
  start(invocationId: string): DeliveryRun | undefined {
    if (this.runs.has(invocationId)) return undefined;
    const run = new DeliveryRun();
    this.runs.set(invocationId, run);
    return run;
  }

  end(invocationId: string, run: DeliveryRun): void {
    if (this.runs.get(invocationId) === run) this.runs.delete(invocationId);
  }

  stop(invocationId: string, reason: string): void {
    this.runs.get(invocationId)?.stop(reason);
  }
}

/** The node took the transfer: running from now; false when the invocation ended meanwhile (cancelled, done). */
export async function markRunning(ledger: InvocationLedger, invocationId: string): Promise<boolean> {
  const now = new Date();
  const moved = await ledger.change({
    id: invocationId,
    state: 'running',
    from: ['pending', 'delayed', 'running'],
    acceptedAt: now,
    startedAt: now,
  });
  return moved !== undefined;
}

/** The invocation failed on the brain's side or was refused by the node (it counts as delivered: Code 2). */
export async function markFailed(
  ledger: InvocationLedger,
  invocationId: string,
  reason: string,
): Promise<void> {
  const at = new Date();
  await ledger.change({
    id: invocationId,
    state: 'failed',
    from: ['pending', 'delayed', 'running'],
    acceptedAt: at,
    endedAt: at,
    error: reason.replace(/^[a-z_]+: /, ''),
  });
}

/**
 * Asks the node to take a transfer and answers its reply body. A refusal (an `error` reply: a bad path, say) fails
 * the invocation with the node's words; no answer at all hands it back to wait for the node. In both cases the run
 * ends and nothing is answered.
 */
export async function askNode<T>(
  job: {
    ledger: InvocationLedger;
    logger: Logger;
    runs: DeliveryRuns;
    run: DeliveryRun;
    invocation: { id: string; node: string };
    requeue: () => Promise<void>;
  },
  request: () => Promise<Envelope>,
): Promise<T | undefined> {
  try {
    return (await request()).body as T;
  } catch (error) {
    job.runs.end(job.invocation.id, job.run);
    if (error instanceof ProtocolError && error.code === 'remote') {
      await markFailed(job.ledger, job.invocation.id, error.message);
    } else {
      job.logger.warn(
        { node: job.invocation.node, error: (error as Error).message },
        'no answer; will retry',
      );
      await job.requeue();
    }
    return undefined;
  }
}
