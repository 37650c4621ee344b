import { Inject, Injectable } from '@nestjs/common';
import type { FileTreeResult, TreeEntry } from '@octopod/protocol';
import type { BrainConfig } from '../../core/config/brain-config';
import { BRAIN_CONFIG } from '../../core/config/config.tokens';
import { ApiError } from '../../core/http/api-error';
import { askNode } from '../sessions/ask-node';
import { SessionRegistry } from '../sessions/session-registry';
import { TaskEventsService } from '../tasks/task-events.service';
import type { FilePushSpec, TaskOptions } from '../tasks/task-options';
import { InvocationLedger } from '../tasks/invocation-ledger.service';
import { DEFAULT_DELIVERY_TIMEOUT_SECONDS, FILE_TASK_KINDS, type FileSpec } from '../tasks/task-options';
import { TasksRepository, type TaskWithInvocations } from '../tasks/tasks.repository';
import { TasksService } from '../tasks/tasks.service';
import { randomUUID } from 'node:crypto';
import { BlobService } from './blob.service';
import { brainPull, brainTree } from './brain-files';
import { resolveBrainPath } from './brain-paths';
import type { PulledFile } from './pull.delivery';

export const BRAIN_NODE = 'brain';
const TREE_TIMEOUT_MS = 30_000;

export interface PushRequest {
  /** Chosen by the caller (a scenario step), so a retried request finds the task instead of making another. */
  id?: string;
  blob: string;
  name: string;
  format: FilePushSpec['format'];
  path: string;
  force: boolean;
  mode: number | null;
  /** A scenario's prepare: into this nodeapp's directory, then committed. */
  nodeapp?: FilePushSpec['nodeapp'];
  targets: string[];
  options: Pick<Partial<TaskOptions>, 'deliveryTimeoutSeconds' | 'maxConcurrency' | 'maxErrors'>;
  createdBy: string | null;
  scopePath?: string;
}

export interface PullRequest {
  node: string;
  path: string;
  format: 'auto' | 'zip';
  zipPrefix: string | null;
  createdBy: string | null;
  scopePath?: string;
}

/** File transfers as tasks (push to nodes, pull from one), and the brain's own files. */
@Injectable()
export class FilesService {
  constructor(
    @Inject(BRAIN_CONFIG) private readonly config: BrainConfig,
    private readonly blobs: BlobService,
    private readonly tasks: TasksService,
    private readonly events: TaskEventsService,
    private readonly registry: SessionRegistry,
    private readonly repository: TasksRepository,
    private readonly ledger: InvocationLedger,
  ) {}

  /**
   * A file task the brain does itself (Octopoda's `/file/upload` into the brain's store, a pull from `brain`):
   * recorded like any task, with one invocation named `brain`, ended by `work`'s outcome.
   */
  async onBrain(
    command: string,
    file: FileSpec,
    request: { createdBy: string | null; scopePath?: string },
    work: () => Promise<string>,
  ): Promise<TaskWithInvocations> {
    const task = await this.repository.create({
      id: randomUUID(),
      kind: FILE_TASK_KINDS[file.kind],
      command,
      scriptName: null,
      scriptContent: null,
      targets: [BRAIN_NODE],
      options: { deliveryTimeoutSeconds: DEFAULT_DELIVERY_TIMEOUT_SECONDS, file } as never,
      createdBy: request.createdBy,
      workgroup: request.scopePath ?? '',
      createdAt: new Date(),
      invocations: [{ id: randomUUID(), node: BRAIN_NODE, deliverBy: null }],
    });
    const [invocation] = task.invocations;
    this.ledger.remember(task.invocations);
    const started = new Date();
    const outcome = await work().then(
      (output) => ({ state: 'success' as const, output, error: null }),
      (error: Error) => ({ state: 'failed' as const, output: '', error: error.message }),
    );
    await this.ledger.change({
      id: invocation.id,
      state: outcome.state,
      from: ['pending'],
      acceptedAt: started,
      startedAt: started,
      endedAt: new Date(),
      output: outcome.output,
      error: outcome.error,
      exitCode: outcome.state === 'success' ? 0 : null,
    });
    await this.ledger.closeIfComplete([task.id]);
    return this.tasks.get(task.id);
  }

  async push(request: PushRequest): Promise<TaskWithInvocations> {
    const size = await this.blobs.require(request.blob);
    return this.tasks.create({
      id: request.id,
      targets: request.targets,
      command: request.nodeapp
        ? `prepare ${request.nodeapp.app}@${request.nodeapp.scenario}`
        : `file push ${request.name} -> ${request.path || '@fstore'}`,
      file: {
        kind: 'push',
        blob: request.blob,
        size,
        format: request.format,
        name: request.name,
        path: request.path,
        force: request.force,
        mode: request.mode,
        ...(request.nodeapp ? { nodeapp: request.nodeapp } : {}),
      },
      options: request.options,
      createdBy: request.createdBy,
      scopePath: request.scopePath,
    });
  }

  async pull(request: PullRequest): Promise<TaskWithInvocations> {
    if (request.node === BRAIN_NODE) {
      throw new ApiError(
        400,
        'bad_request',
        'the brain is read directly: GET /api/v2/nodes/brain/files/content',
      );
    }
    return this.tasks.create({
      targets: [request.node],
      command: `file pull ${request.path}`,
      file: { kind: 'pull', path: request.path, format: request.format, zipPrefix: request.zipPrefix },
      options: {},
      createdBy: request.createdBy,
      scopePath: request.scopePath,
    });
  }

  /** A file or directory on the brain, stored as a blob. */
  async pullFromBrain(path: string, format: 'auto' | 'zip', zipPrefix: string | null): Promise<PulledFile> {
    return brainPull(this.blobs, await resolveBrainPath(this.config, path), format, zipPrefix);
  }

  /** Waits for a pull task to end; its blob, or the node's reason as an error. */
  async pulled(task: TaskWithInvocations): Promise<PulledFile> {
    const done = await this.tasks.finished(task.id);
    const invocation = done.invocations[0];
    if (invocation?.state === 'success') return JSON.parse(invocation.output) as PulledFile;
    const reason = invocation?.error ?? invocation?.state ?? 'no result';
    if (/not found/i.test(reason)) throw ApiError.notFound('path_not_found', reason);
    throw new ApiError(502, 'pull_failed', `pulling from ${invocation?.node}: ${reason}`);
  }

  async tree(node: string, path: string, hidden: boolean): Promise<{ path: string; entries: TreeEntry[] }> {
    if (node === BRAIN_NODE) {
      const resolved = await resolveBrainPath(this.config, path);
      return { path: resolved, entries: await brainTree(resolved, hidden) };
    }
    return (await askNode(
      this.registry,
      node,
      { kind: 'file.tree', body: { path, hidden }, timeoutMs: TREE_TIMEOUT_MS },
      {
        not_found: (message) => ApiError.notFound('path_not_found', message),
        path_refused: (message) => new ApiError(400, 'path_refused', message),
      },
    )) as FileTreeResult;
  }
}
