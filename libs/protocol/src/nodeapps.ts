import { z } from 'zod';

/**
 * NodeApps: an application of a scenario on one node, the directory `<workspace>/<app>@<scenario>/`, a git
 * repository. Changes to it (prepare's copy, commit, reset, removal) are invocations of tasks, so they are
 * journalled and run exactly once like commands; reading its versions is a request.
 */
export const nodeAppNameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'app and scenario names use letters, digits, ".", "_" and "-"');

/** Which nodeapp: `<app>@<scenario>`. */
export const nodeAppRefSchema = z.object({ app: nodeAppNameSchema, scenario: nodeAppNameSchema });

const message = z.string().min(1).max(4096);

/** A change to a nodeapp (task kind `nodeapp`). Its result's `output` is a NodeAppOutcome as JSON. */
export const nodeAppOpSchema = z.discriminatedUnion('op', [
  /** Commit what changed; `always` = Octopoda's commit target (a new version every time, through `.DUMMY`). */
  z.object({ op: z.literal('commit'), message, always: z.boolean() }),
  /** Make the work tree the version `version` (a hash prefix) names, as a new commit; uncommitted files go. */
  z.object({ op: z.literal('reset'), version: z.string().min(1).max(64), message }),
  /** Delete the nodeapp's directory. */
  z.object({ op: z.literal('remove') }),
]);

/** What a nodeapp change left (as JSON in the result's `output`): HEAD, and whether a new commit was made. */
export const nodeAppOutcomeSchema = z.object({ version: z.string(), modified: z.boolean() });

/** Brain → tentacle: the nodeapps on this node (or one), each with versions newest first. */
export const nodeAppListSchema = z.object({
  /** Only this nodeapp; null = all of them. */
  only: nodeAppRefSchema.nullable(),
  offset: z.number().int().nonnegative(),
  limit: z.number().int().nonnegative().max(10_000),
});

export const nodeAppVersionSchema = z.object({
  hash: z.string(),
  /** Commit time, unix ms. */
  time: z.number(),
  message: z.string(),
});

export const nodeAppInfoSchema = z.object({
  app: z.string(),
  scenario: z.string(),
  /** HEAD, '' before the first commit. */
  head: z.string(),
  /** Uncommitted changes in the work tree. */
  dirty: z.boolean(),
  /** Versions newest first, from `offset`, at most `limit`. */
  versions: z.array(nodeAppVersionSchema),
});

export const nodeAppListResultSchema = z.object({ apps: z.array(nodeAppInfoSchema).max(10_000) });

/** The directory name of a nodeapp in the workspace. */
export function nodeAppDirName(ref: { app: string; scenario: string }): string {
  return `${ref.app}@${ref.scenario}`;
}

export type NodeAppRef = z.infer<typeof nodeAppRefSchema>;
export type NodeAppOp = z.infer<typeof nodeAppOpSchema>;
export type NodeAppOutcome = z.infer<typeof nodeAppOutcomeSchema>;
export type NodeAppList = z.infer<typeof nodeAppListSchema>;
export type NodeAppVersionInfo = z.infer<typeof nodeAppVersionSchema>;
export type NodeAppInfo = z.infer<typeof nodeAppInfoSchema>;
export type NodeAppListResult = z.infer<typeof nodeAppListResultSchema>;
