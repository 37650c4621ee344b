/**
 * The typed job registry: every queue, every job name it carries and that job's payload. One handler per job
 * name; producers and processors both take their types from here.
 */
export const Queues = {
  maintenance: 'maintenance',
} as const;

export interface MaintenanceJobs {
  /** Releases connections of dead brain instances and turns long-unhealthy nodes offline. */
  'node-sweep': Record<string, never>;
}

export type MaintenanceJobName = keyof MaintenanceJobs;
