export interface LoginLimits {
  /** Failures allowed per key within `windowMs`; the next attempt is refused until the oldest ages out. */
  maxFailures: number;
  windowMs: number;
  /** Keys remembered at most (a flood of distinct sources must not grow memory without bound). */
  maxKeys: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { maxFailures: 5, windowMs: 60_000, maxKeys: 10_000 };

/**
 * Slows password guessing: failed logins are counted per key (source address and workgroup path) in a sliding
 * window. In memory, per API process: a brain restart forgets them, and each API process counts on its own.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until `key` may try again; 0 when it may try now. */
  retryAfterMs(key: string): number {
    const recent = this.recent(key);
    if (recent.length < this.limits.maxFailures) return 0;
    return recent[recent.length - this.limits.maxFailures] + this.limits.windowMs - this.now();
  }

  recordFailure(key: string): void {
    const recent = this.recent(key);
    recent.push(this.now());
    // Map order is insertion order: re-inserting keeps the most recently failing keys at the end.
    this.failures.delete(key);
    this.failures.set(key, recent.slice(-this.limits.maxFailures));
    if (this.failures.size > this.limits.maxKeys) this.evictOldest();
  }

  recordSuccess(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string): number[] {
    const since = this.now() - this.limits.windowMs;
    const recent = (this.failures.get(key) ?? []).filter((at) => at > since);
    if (recent.length === 0) this.failures.delete(key);
    return recent;
  }

  private evictOldest(): void {
    const oldest = this.failures.keys().next();
    if (!oldest.done) this.failures.delete(oldest.value);
  }
}
