/**
 * The typed job registry: every queue, every job name it carries and that job's payload. One handler per job
 * name; producers and processors both take their types from here.
 */
export const Queues = {
  maintenance: 'maintenance',
  tasks: 'tasks',
  scenarios: 'scenarios',
  rollouts: 'rollouts',
} as const;

export interface MaintenanceJobs {
  /** Releases connections of dead brain instances and turns long-unhealthy nodes offline. */
  'node-sweep': Record<string, never>;
}

export type MaintenanceJobName = keyof MaintenanceJobs;

export interface TaskJobs {
  /** Sends a new task's invocations to the nodes (job id `dispatch-<taskId>`: once per task). */
  dispatch: { taskId: string };
  /**
   * Invocations still undelivered at their deadline become delivery_timed_out (job id `delivery-timeout-<taskId>`,
   * and `delivery-timeout-<taskId>-<ms>` for the deadlines a paced task sets later).
   */
  'delivery-timeout': { taskId: string };
}

export type TaskJobName = keyof TaskJobs;

export interface ScenarioJobs {
  /** Runs (or resumes) an apply's steps (job id `apply-<runId>`: once per run; a stalled job is run again). */
  apply: { runId: string };
}

export interface RolloutJobs {
  /** Runs (or resumes) a rollout's waves (job id `rollout-<id>`: once per rollout; a stalled job is run again). */
  rollout: { rolloutId: string };
}

/** Finished jobs kept for inspection; their ids keep deduplicating while kept. */
export const KEEP_JOBS = { removeOnComplete: 1000, removeOnFail: 1000 };
