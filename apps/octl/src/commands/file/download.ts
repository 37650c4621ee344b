import { OctopodApiError } from '@octopod/sdk';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { OctlError } from '../../errors';
import type { View } from '../../output/output';
import { Interrupts } from '../cmd/interrupts';
import { checkTargets, EXIT_INTERRUPTED } from '../cmd/run-task';
import { BRAIN, type DownloadPlan } from './file-options';
import { followFileTask, interrupted, type FileDeps } from './file-task';
import { Meter, placeDownloadedFile, placeTar, prepareDownload, removeQuietly } from './local-files';
import { transferView, type TransferView } from './transfer-view';

/** A file or directory found remotely, ready to be written into a temporary file. */
interface Source {
  format: 'file' | 'tar';
  type: 'file' | 'dir';
  name: string;
  mode: number | null;
  write(temp: string): Promise<{ size: number; sha256: string }>;
  /** Lets go of what `write` did not consume. */
  release(): void;
}

/** What a successful pull's invocation output says (`{blob, size, format, type, name, mode}`). */
interface Pulled {
  blob: string;
  size: number;
  format: 'file' | 'tar';
  type: 'file' | 'dir';
  name: string;
  mode: number;
}

const notFound = (reason: string): OctlError => new OctlError(`file is empty or not found: ${reason}`);

function parsePulled(output: string, node: string): Pulled {
  try {
    const pulled = JSON.parse(output) as Partial<Pulled>;
    const formats = ['file', 'tar'];
    if (
      typeof pulled.blob === 'string' &&
      formats.includes(pulled.format ?? '') &&
      typeof pulled.name === 'string'
    )
      return pulled as Pulled;
  } catch {
    // reported below
  }
  throw new OctlError(`the pull from ${node} returned no file: ${output.slice(0, 200)}`);
}

/** Aborted by Ctrl-C: exit 130; otherwise the error as it is. */
function stopped(error: unknown, interrupts: Interrupts): unknown {
  return interrupts.fired ? new OctlError('interrupted: download stopped', EXIT_INTERRUPTED) : error;
}

/** Has the node pack the file or directory into a blob on the brain (a pull task, followed with its progress). */
async function fromNode(
  deps: FileDeps,
  plan: DownloadPlan,
  view: TransferView,
  interrupts: Interrupts,
): Promise<Source> {
  const task = await deps.api.pullFile({ node: plan.node, path: plan.remote });
  const followed = await followFileTask(deps, task, view, interrupts);
  if (followed.interrupted) throw interrupted(task);
  const invocation = followed.task.invocations[0];
  if (invocation?.state !== 'success')
    throw notFound(invocation?.error ?? invocation?.state.replace(/_/g, ' ') ?? 'no result');
  const pulled = parsePulled(invocation.output, plan.node);
  return {
    format: pulled.format,
    type: pulled.type,
    name: pulled.name,
    mode: typeof pulled.mode === 'number' ? pulled.mode : null,
    write: (temp) =>
      deps.api
        .downloadBlob(pulled.blob, createWriteStream(temp, { mode: 0o600 }), {
          signal: interrupts.first,
          onProgress: (bytes, total) => view.local('download', bytes, total),
        })
        .catch((error: unknown) => Promise.reject(stopped(error, interrupts))),
    release: () => undefined,
  };
}

/** The brain's own files come as a stream at once (a directory as a tar). */
async function fromBrain(
  deps: FileDeps,
  plan: DownloadPlan,
  view: TransferView,
  interrupts: Interrupts,
): Promise<Source> {
  const content = await deps.api
    .nodeFileContent(BRAIN, plan.remote, { signal: interrupts.first })
    .catch((error: unknown) => {
      const missing = error instanceof OctopodApiError && /^path_(not_found|refused)$/.test(error.code);
      return Promise.reject(missing ? notFound(error.message) : stopped(error, interrupts));
    });
  const write = async (temp: string): Promise<{ size: number; sha256: string }> => {
    const meter = new Meter((bytes) => view.local('download', bytes, content.size));
    const onAbort = (): void => void content.body.destroy();
    interrupts.first.addEventListener('abort', onAbort, { once: true });
    try {
      await pipeline(content.body, meter, createWriteStream(temp, { mode: 0o600 }));
    } catch (error) {
      throw stopped(error, interrupts);
    } finally {
      interrupts.first.removeEventListener('abort', onAbort);
    }
    const sha256 = meter.digest();
    if (content.sha256 && sha256 !== content.sha256)
      throw new OctlError(`${plan.remote} arrived damaged from the brain (sha256 differs); try again`);
    return { size: meter.bytes, sha256 };
  };
  return {
    format: content.type === 'dir' ? 'tar' : 'file',
    type: content.type,
    name: content.name,
    mode: content.mode,
    write,
    release: () => void content.body.destroy(),
  };
}

function downloadView(
  plan: DownloadPlan,
  source: Source,
  local: string,
  written: { size: number; sha256: string },
): View {
  return {
    data: { node: plan.node, remote: plan.remote, local, type: source.type, ...written },
    table: () => '[INFO] Success',
  };
}

/**
 * `file download`: a node packs the file or directory into a blob on the brain (a pull task, followed with its
 * progress), octl streams the blob into a temporary file in `localDir`, then renames it to `<localDir>/<name>`, or
 * extracts the tar there (`<localDir>/<basename>/…`). From `brain`, its files are streamed directly.
 */
export async function runDownload(deps: FileDeps, plan: DownloadPlan): Promise<void> {
  const interrupts = new Interrupts(deps.signals);
  const view = transferView(deps.terminal, { now: deps.now, nodeTotal: 0, nodeLines: false });
  try {
    if (plan.node !== BRAIN) await checkTargets(deps.api, [plan.node]);
    const find = plan.node === BRAIN ? fromBrain : fromNode;
    const source = await find(deps, plan, view, interrupts);
    try {
      // Only now that there is something to write: a missing remote leaves no empty local directory behind.
      const { dir, temp } = await prepareDownload(plan.localDir);
      try {
        const written = await source.write(temp);
        view.stop();
        let local: string;
        if (source.format === 'tar') {
          await placeTar(temp, dir, source.name);
          local = join(dir, source.name);
        } else {
          local = await placeDownloadedFile(temp, dir, source.name, source.mode);
        }
        deps.out.print(downloadView(plan, source, local, written));
      } finally {
        await removeQuietly(temp);
      }
    } finally {
      source.release();
    }
  } finally {
    view.stop();
    interrupts.dispose();
  }
}
