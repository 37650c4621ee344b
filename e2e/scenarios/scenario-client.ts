import { packTar } from '@octopod/files';
import type { OctopodClient, ScenarioRun } from '@octopod/sdk';
import { waitFor } from '@octopod/testing';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { join } from 'node:path';

/** Uploads a scenario folder's contents as a tar and applies `target`; answers the run as it started. */
export async function applyFolder(
  client: OctopodClient,
  folder: string,
  target: string,
  options: { message?: string; stopOnError?: boolean; scratch: string },
): Promise<ScenarioRun> {
  const tar = join(options.scratch, `scenario-${Date.now()}-${Math.random().toString(16).slice(2)}.tar`);
  await packTar(folder, createWriteStream(tar), { contentsOnly: true });
  const blob = await client.uploadBlob(createReadStream(tar), statSync(tar).size);
  return client.applyScenario({
    blob: blob.sha256,
    target,
    message: options.message,
    stopOnError: options.stopOnError,
  });
}

/** Polls the run until it has ended. */
export async function runEnded(client: OctopodClient, id: string, timeoutMs = 60_000): Promise<ScenarioRun> {
  let run!: ScenarioRun;
  await waitFor(
    async () => {
      run = await client.getScenarioRun(id);
      return run.state !== 'running';
    },
    { timeoutMs, intervalMs: 200 },
  );
  return run;
}

/** The apps of each script stage of a target, in the order the run ran them. */
export function scriptStages(run: ScenarioRun, target: string): string[][] {
  const stages = new Map<number, string[]>();
  for (const step of run.steps) {
    if (step.kind !== 'script' || step.target !== target) continue;
    stages.set(step.stage, [...(stages.get(step.stage) ?? []), step.app ?? '']);
  }
  return [...stages.entries()].sort((a, b) => a[0] - b[0]).map(([, apps]) => apps.sort());
}
