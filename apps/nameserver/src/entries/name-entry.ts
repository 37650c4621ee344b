import { z } from 'zod';

export const ENTRY_TYPES = ['addr', 'num', 'str', 'array'] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

/** Octopoda's default lifetime of an entry registered with ttl 0 or without ttl. */
export const DEFAULT_TTL_MS = 5000;

/** A name entry as stored and as answered by `/query` (Octopoda's `NameServiceEntry`). */
export interface NameEntry {
  key: string;
  type: EntryType;
  value: string;
  description: string;
  /** Milliseconds as registered; absent when it was 0 (Go's `omitempty`). */
  ttl?: number;
}

const requiredString = (what: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : `must be a ${what}`) });

// Go decodes JSON null into the zero value, so null is accepted wherever a field is optional.
const optionalString = z
  .string({ error: 'must be a string' })
  .nullish()
  .transform((value) => value ?? '');

const entrySchema = z.object(
  {
    key: requiredString('string').min(1, 'must not be empty'),
    type: z.enum(ENTRY_TYPES, {
      error: (issue) =>
        issue.input === undefined ? 'is required' : `must be one of ${ENTRY_TYPES.join(', ')}`,
    }),
    value: optionalString,
    description: optionalString,
    ttl: z
      .number({ error: 'must be an integer number of milliseconds' })
      .int('must be an integer number of milliseconds')
      .nullish()
      .transform((value) => value ?? 0),
  },
  { error: 'must be an entry object' },
);

const entriesSchema = z.array(entrySchema, { error: 'body must be a JSON array of entries' });

export type EntriesResult = { ok: true; entries: NameEntry[] } | { ok: false; message: string };

/** Validates a `/register` body; the message names the first bad field, e.g. `[0].type: must be one of ...`. */
export function parseEntries(body: unknown): EntriesResult {
  const result = entriesSchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const message = issue ? formatIssue(issue.path, issue.message) : 'invalid entries';
    return { ok: false, message };
  }
  return { ok: true, entries: result.data.map(toStoredEntry) };
}

function formatIssue(path: PropertyKey[], message: string): string {
  if (path.length === 0) return message;
  const where = path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
  return `${where.replace(/^\./, '')}: ${message}`;
}

function toStoredEntry(entry: z.output<typeof entrySchema>): NameEntry {
  const stored: NameEntry = {
    key: entry.key,
    type: entry.type,
    value: entry.value,
    description: entry.description,
  };
  if (entry.ttl !== 0) stored.ttl = entry.ttl;
  return stored;
}

/** The Redis lifetime of an entry: 0/absent → 5000 ms, negative → never expires (null). */
export function expiryMs(ttl: number | undefined): number | null {
  if (ttl === undefined || ttl === 0) return DEFAULT_TTL_MS;
  if (ttl < 0) return null;
  return ttl;
}
