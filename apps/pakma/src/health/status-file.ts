import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** The tentacle's `<state.dir>/link-status.json` (written by apps/tentacle/src/link/link-status-file.ts). */
const linkStatusSchema = z.object({
  version: z.string(),
  node: z.string().optional(),
  connected: z.boolean(),
  since: z.string().optional(),
  pid: z.number().int().positive(),
});
export type LinkStatus = z.output<typeof linkStatusSchema>;

/** The status file's contents, or undefined while it is missing or unreadable (the service is starting). */
export async function readLinkStatus(path: string): Promise<LinkStatus | undefined> {
  try {
    const parsed = linkStatusSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid exists (a crashed service leaves its last status behind). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Healthy = the file is written by a live process running `version` whose link to the brain is up. */
export function statusFileProbe(path: string): (version: string) => Promise<boolean> {
  return async (version) => {
    const status = await readLinkStatus(path);
    return status !== undefined && status.version === version && status.connected && processAlive(status.pid);
  };
}
