import { z } from 'zod';
import { nodeAppOpSchema, nodeAppRefSchema } from './nodeapps';

/**
 * Remote execution. The brain assigns one invocation (task × node) at a time; the invocation id is the
 * idempotency key: a tentacle runs an id at most once, whatever the brain re-sends after reconnects or crashes,
 * and keeps each result until the brain acknowledges it.
 */
const invocationId = z.string().min(1).max(64);

export const taskAssignSchema = z.object({
  invocationId,
  taskId: z.string().min(1).max(64),
  kind: z.enum(['command', 'script', 'nodeapp']),
  /** The shell command; for a script, its file name. */
  command: z.string().max(1024 * 1024),
  /** Script body (base64), run from `<workspace>/scripts/<name>`. */
  script: z.object({ name: z.string().min(1).max(255), contentBase64: z.string() }).nullable(),
  /** Start and return the PID at once (Octopoda's `background`). */
  background: z.boolean(),
  /** Start this many ms after acceptance (Octopoda's `xrun -d`). */
  delayMs: z.number().int().nonnegative(),
  /** Time-aligned start: brain-clock ms at which to start; the tentacle converts it with its measured offset. */
  startAt: z.number().nullable(),
  /** Refuse a time-aligned start when the offset error bound exceeds this, or the wait is out of range. */
  maxAlignErrorMs: z.number().nonnegative(),
  /** Kill the process group after this long; null = no limit (Octopoda's behaviour). */
  timeoutMs: z.number().int().positive().nullable(),
  env: z.record(z.string(), z.string()),
  /**
   * Run in this nodeapp's directory (created, with `git init`, when missing), with OCTOPODA_APP,
   * OCTOPODA_SCENARIO and OCTOPODA_CURRENTDIR set to it (a scenario target's script). For kind `nodeapp`: the
   * nodeapp to change.
   */
  app: nodeAppRefSchema.nullable().default(null),
  /** Kind `nodeapp`: the change to make (done by the tentacle itself, no shell). */
  nodeapp: nodeAppOpSchema.nullable().default(null),
});

export const taskAcceptedSchema = z.object({
  invocationId,
  /** The id was seen before: nothing new was started (its result is, or will be, re-sent). */
  duplicate: z.boolean(),
});

export const taskCancelSchema = z.object({ invocationId });
export const taskCancelOkSchema = z.object({ invocationId, found: z.boolean() });

export const taskStartedSchema = z.object({
  invocationId,
  pid: z.number().int().nullable(),
  /** Tentacle clock, ms. */
  startedAt: z.number(),
});

export const taskOutputSchema = z.object({
  invocationId,
  stream: z.enum(['stdout', 'stderr']),
  /** Byte offset of this chunk in its stream, so a re-sent chunk is recognised. */
  offset: z.number().int().nonnegative(),
  data: z.string(),
});

export const invocationEndStates = ['success', 'failed', 'timed_out', 'cancelled'] as const;

export const taskResultSchema = z.object({
  invocationId,
  state: z.enum(invocationEndStates),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  /** Tail of each stream (capped); the whole streams went by as task.output. */
  stdout: z.string(),
  stderr: z.string(),
  /** What a script appended to $OCTOPODA_OUTPUT (Octopoda's script result). */
  output: z.string(),
  pid: z.number().int().nullable(),
  startedAt: z.number().nullable(),
  endedAt: z.number(),
  /** Why it could not run or was stopped, in words. */
  error: z.string().nullable(),
});

export const taskResultAckSchema = z.object({ invocationIds: z.array(invocationId).max(10_000) });

export type TaskAssign = z.infer<typeof taskAssignSchema>;
export type TaskAccepted = z.infer<typeof taskAcceptedSchema>;
export type TaskStarted = z.infer<typeof taskStartedSchema>;
export type TaskOutput = z.infer<typeof taskOutputSchema>;
export type TaskResult = z.infer<typeof taskResultSchema>;
export type InvocationEndState = (typeof invocationEndStates)[number];
