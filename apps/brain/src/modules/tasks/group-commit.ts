/**
 * Group commit: items submitted while a flush is under way share the next one, so a burst of N items costs a
 * handful of flushes instead of N, and a lone item is flushed in the same turn of the event loop (no timer, no added latency). Items with the
 * same key that meet in one batch are merged first. Each submitter learns its item's own outcome.
 */
export class GroupCommit<Item, Outcome> {
  private pending = new Map<string, { item: Item; waiters: Waiter<Outcome>[] }>();
  private running: Promise<void> | undefined;

  constructor(
    private readonly keyOf: (item: Item) => string,
    private readonly merge: (earlier: Item, later: Item) => Item,
    /** Writes a batch; answers the outcome of each key (a key left out gets `undefined`). */
    private readonly flush: (items: Item[]) => Promise<Map<string, Outcome>>,
  ) {}

  submit(item: Item): Promise<Outcome | undefined> {
    return new Promise((resolve, reject) => {
      const key = this.keyOf(item);
      const queued = this.pending.get(key);
      if (queued) {
        queued.item = this.merge(queued.item, item);
        queued.waiters.push({ resolve, reject });
      } else {
        this.pending.set(key, { item, waiters: [{ resolve, reject }] });
      }
      this.running ??= this.drain();
    });
  }

  /** Resolves once everything submitted so far is written. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    // Let the messages read in this turn of the event loop join the first batch too.
    await new Promise((resolve) => setImmediate(resolve));
    // Cleared in the same synchronous step that finds nothing pending, so no submit can slip between.
    for (;;) {
      if (this.pending.size === 0) {
        this.running = undefined;
        return;
      }
      const batch = this.pending;
      this.pending = new Map();
      try {
        const outcomes = await this.flush([...batch.values()].map((entry) => entry.item));
        for (const [key, entry] of batch) for (const w of entry.waiters) w.resolve(outcomes.get(key));
      } catch (error) {
        for (const entry of batch.values()) for (const w of entry.waiters) w.reject(error as Error);
      }
    }
  }
}

interface Waiter<Outcome> {
  resolve: (outcome: Outcome | undefined) => void;
  reject: (error: Error) => void;
}
