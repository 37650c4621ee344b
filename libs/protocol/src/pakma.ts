import { z } from 'zod';

/** What pakma (the per-host upgrade supervisor) is asked to do, as Octopoda's `octl pakma` names it. */
export const pakmaCommands = [
  'state',
  'install',
  'upgrade',
  'confirm',
  'cancel',
  'downgrade',
  'history',
  'clean',
] as const;

/** Octopoda's version rule: digits and dots, not starting or ending with a dot. */
export const pakmaVersionSchema = z
  .string()
  .regex(/^\d+(\.\d+)*$/, 'digits and dots, e.g. 1.2.3')
  .max(64);

/** Brain → tentacle: ask this node's pakma (on 127.0.0.1) and answer with what it said. */
export const pakmaCommandSchema = z.object({
  command: z.enum(pakmaCommands),
  /** For install and upgrade. */
  version: pakmaVersionSchema.optional(),
  /** For history: records at/after this time (`YYYY-MM-DD@hh:mm:ss`), or the last `limit`. */
  time: z.string().max(32).optional(),
  limit: z.number().int().min(0).max(10_000).optional(),
});

/**
 * Tentacle → brain, the reply to `pakma.command`: pakma's HTTP status and body as it answered (its JSON text), or
 * status 0 and the reason when pakma could not be reached.
 */
export const pakmaResultSchema = z.object({
  status: z.number().int().min(0).max(599),
  body: z.string().max(1024 * 1024),
});

export type PakmaCommandName = (typeof pakmaCommands)[number];
export type PakmaCommand = z.infer<typeof pakmaCommandSchema>;
export type PakmaResult = z.infer<typeof pakmaResultSchema>;
