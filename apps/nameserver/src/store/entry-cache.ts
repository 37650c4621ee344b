interface Cached<T> {
  value: T;
  expiresAt: number;
}

/**
 * A small read cache (Octopoda keeps 256 entries for 1 s). Writes bump `epoch`, and a read that
 * started before a write may not fill the cache, so a register or delete is visible at once.
 */
export class EntryCache<T> {
  private readonly items = new Map<string, Cached<T>>();
  private writes = 0;

  constructor(
    private readonly capacity = 256,
    private readonly maxAgeMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** A token to hand back to `fill`; it goes stale when any key is written meanwhile. */
  get epoch(): number {
    return this.writes;
  }

  get(key: string): T | undefined {
    const item = this.items.get(key);
    if (!item) return undefined;
    if (item.expiresAt <= this.now()) {
      this.items.delete(key);
      return undefined;
    }
    return item.value;
  }

  /** Caches `value` for at most `maxAgeMs`, and never past `remainingMs` (the key's own expiry). */
  fill(key: string, value: T, epoch: number, remainingMs: number | null): void {
    if (epoch !== this.writes || this.capacity <= 0) return;
    const ageMs = remainingMs === null ? this.maxAgeMs : Math.min(this.maxAgeMs, remainingMs);
    if (ageMs <= 0) return;
    this.items.delete(key);
    if (this.items.size >= this.capacity) {
      const oldest = this.items.keys().next();
      if (!oldest.done) this.items.delete(oldest.value);
    }
    this.items.set(key, { value, expiresAt: this.now() + ageMs });
  }

  invalidate(keys: Iterable<string>): void {
    this.writes++;
    for (const key of keys) this.items.delete(key);
  }
}
