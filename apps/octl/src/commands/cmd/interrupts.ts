import type { SignalSource } from '../../context';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Ctrl-C / SIGTERM while a task runs: the first aborts `first` (octl then cancels the task on the nodes), a
 * second aborts `again` (stop waiting for the cancellation). Listeners are removed by `dispose()`.
 */
export class Interrupts {
  private readonly firstController = new AbortController();
  private readonly againController = new AbortController();
  private readonly onSignal = (): void => {
    if (this.firstController.signal.aborted) this.againController.abort();
    else this.firstController.abort();
  };

  constructor(private readonly signals: SignalSource | undefined) {
    for (const signal of SIGNALS) signals?.on(signal, this.onSignal);
  }

  get first(): AbortSignal {
    return this.firstController.signal;
  }

  get again(): AbortSignal {
    return this.againController.signal;
  }

  get fired(): boolean {
    return this.firstController.signal.aborted;
  }

  dispose(): void {
    for (const signal of SIGNALS) this.signals?.off(signal, this.onSignal);
  }
}

/** Resolves after `ms`, or rejects at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Settles like `promise`, or rejects when `signal` aborts first. */
export function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
