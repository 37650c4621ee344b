import { createReadStream } from 'node:fs';
import { OctopodApiError, type BlobRef } from '@octopod/sdk';
import { OctlError } from '../../errors';
import { Interrupts } from '../cmd/interrupts';
import { checkTargets, EXIT_INTERRUPTED } from '../cmd/run-task';
import type { UploadPlan } from './file-options';
import { followFileTask, interrupted, type FileDeps } from './file-task';
import { stageUpload, type StagedUpload } from './local-files';
import { pushView } from './push-results';
import { transferView, type TransferView } from './transfer-view';

async function sendToBrain(
  deps: FileDeps,
  staged: StagedUpload,
  view: TransferView,
  interrupts: Interrupts,
): Promise<BlobRef> {
  try {
    return await deps.api.uploadBlob(createReadStream(staged.path), staged.size, {
      sha256: staged.sha256,
      signal: interrupts.first,
      onProgress: (sent, total) => view.local('upload', sent, total),
    });
  } catch (error) {
    if (interrupts.fired) throw new OctlError('interrupted: nothing was sent to the nodes', EXIT_INTERRUPTED);
    if (error instanceof OctopodApiError) throw error;
    throw new OctlError(`cannot read ${staged.path} (${(error as Error).message})`);
  }
}

/**
 * `file upload`: checks the targets, packs a directory, sends the bytes to the brain once, has the brain push them
 * to every node, and prints Octopoda's results. Ctrl-C cancels; exit 1 when any node failed.
 */
export async function runUpload(deps: FileDeps, plan: UploadPlan): Promise<void> {
  const interrupts = new Interrupts(deps.signals);
  try {
    await checkTargets(deps.api, plan.targets);
    const staged = await stageUpload(plan.local);
    const view = transferView(deps.terminal, { now: deps.now, nodeTotal: staged.size, nodeLines: true });
    try {
      const blob = await sendToBrain(deps, staged, view, interrupts);
      if (interrupts.fired)
        throw new OctlError('interrupted: nothing was sent to the nodes', EXIT_INTERRUPTED);
      const task = await deps.api.pushFile({
        blob: blob.sha256,
        name: staged.name,
        format: staged.format,
        path: plan.path,
        force: plan.force,
        mode: staged.mode,
        targets: plan.targets,
        ...plan.limits,
      });
      const followed = await followFileTask(deps, task, view, interrupts);
      view.stop();
      const { view: results, failure } = pushView(followed.task);
      deps.out.print(results);
      if (followed.interrupted) throw interrupted(task);
      if (failure) throw new OctlError(failure);
    } finally {
      view.stop();
      await staged.cleanup();
    }
  } finally {
    interrupts.dispose();
  }
}
