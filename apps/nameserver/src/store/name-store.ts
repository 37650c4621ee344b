import type { Redis } from 'ioredis';
import { NameServerError } from '../errors';
import { expiryMs, type NameEntry } from '../entries/name-entry';
import { EntryCache } from './entry-cache';
import { buildListPattern, type ListMethod } from './list-pattern';

/** Octopoda's key namespace; `keyPrefix` (config) goes in front of it to isolate deployments and tests. */
export const ENTRY_NAMESPACE = 'NameEntry:';

/** The only code that touches Redis: name entries under `<keyPrefix>NameEntry:<key>`. */
export class NameStore {
  private readonly namespace: string;
  private readonly cache = new EntryCache<NameEntry>();

  constructor(
    private readonly redis: Redis,
    keyPrefix = '',
  ) {
    this.namespace = keyPrefix + ENTRY_NAMESPACE;
  }

  /** Stores all entries in one transaction, each with its own expiry. */
  async register(entries: NameEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const transaction = this.redis.multi();
    for (const entry of entries) {
      const ms = expiryMs(entry.ttl);
      const raw = JSON.stringify(entry);
      // A plain SET also clears an expiry left by an earlier registration of the same key.
      if (ms === null) transaction.set(this.redisKey(entry.key), raw);
      else transaction.set(this.redisKey(entry.key), raw, 'PX', ms);
    }
    await this.run(() => transaction.exec().then(failOnTransactionError));
    this.cache.invalidate(entries.map((entry) => entry.key));
  }

  /** The entry registered as `key`; throws `entry_not_found` ("redis: nil", as Octopoda says). */
  async query(key: string): Promise<NameEntry> {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const epoch = this.cache.epoch;
    const [raw, remainingMs] = await this.run(async () => {
      const replies = await this.redis.multi().get(this.redisKey(key)).pttl(this.redisKey(key)).exec();
      const [[, value], [, pttl]] = failOnTransactionError(replies) as [
        [null, string | null],
        [null, number],
      ];
      return [value, pttl] as const;
    });
    if (raw === null) throw new NameServerError('entry_not_found', 'redis: nil');
    const entry = parseStoredEntry(raw);
    this.cache.fill(key, entry, epoch, remainingMs >= 0 ? remainingMs : null);
    return entry;
  }

  async delete(key: string): Promise<void> {
    await this.run(() => this.redis.del(this.redisKey(key)));
    this.cache.invalidate([key]);
  }

  /** Keys (without namespace) matching the `/list` method, sorted; SCAN keeps Redis responsive. */
  async list(method: ListMethod, match: string): Promise<string[]> {
    const pattern = buildListPattern(this.namespace, method, match);
    const keys = new Set<string>();
    await this.run(async () => {
      let cursor = '0';
      do {
        const [next, batch] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        for (const key of batch) keys.add(key.slice(this.namespace.length));
        cursor = next;
      } while (cursor !== '0');
    });
    return [...keys].sort();
  }

  private redisKey(key: string): string {
    return this.namespace + key;
  }

  private async run<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof NameServerError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new NameServerError('store_unavailable', `redis: ${reason}`, { cause: error });
    }
  }
}

type TransactionReplies = [error: Error | null, result: unknown][] | null;

function failOnTransactionError(replies: TransactionReplies): [Error | null, unknown][] {
  if (!replies) throw new Error('transaction aborted');
  const failed = replies.find(([error]) => error);
  if (failed?.[0]) throw failed[0];
  return replies;
}

function parseStoredEntry(raw: string): NameEntry {
  try {
    return JSON.parse(raw) as NameEntry;
  } catch (error) {
    throw new NameServerError('internal', 'stored entry is not valid JSON', { cause: error });
  }
}
