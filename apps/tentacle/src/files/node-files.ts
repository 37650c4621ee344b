import { listTree } from '@octopod/files';
import {
  ChunkSender,
  FileChunkSource,
  nodeAppDirName,
  ProtocolError,
  type FileAbort,
  type FileDone,
  type FilePull,
  type FilePush,
  type FileRead,
  type FileTree,
} from '@octopod/protocol';
import type { Stats } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import pino, { type Logger } from 'pino';
import type { TaskService } from '../exec/task-service';
import { Lanes } from '../lanes';
import type { NodeApps } from '../nodeapps/node-apps';
import {
  fileError,
  sendAbort,
  type FileErrorReply,
  type FileService,
  type PullReply,
  type PushReply,
  type TransferLink,
  type TreeReply,
} from './file-service';
import { describeFailure } from './failure';
import {
  checkFileName,
  FileRequestError,
  prepareTarget,
  resolveUserPath,
  type PathPolicy,
} from './file-paths';
import { IncomingPush, type IncomingPushOptions, type PushEnd } from './incoming-push';
import { KeptParts } from './kept-parts';
import { pushPaths } from './place';
import { PullSources } from './pull-sources';

export interface NodeFilesOptions extends PathPolicy {
  /** Where a scenario's pushes go (and are committed); without it they are refused. */
  nodeapps?: NodeApps;
  /** Packed pulls live in `<stateDir>/transfers/`. */
  stateDir: string;
  /** Keeps and sends pushes' results. */
  tasks: TaskService;
  logger?: Logger;
  /** The clock the sweep of kept partial files goes by. */
  now?: () => number;
}

/**
 * Unconfirmed bytes of one pull, at most: below the queue at which the session counts the socket congested and
 * drops live task output (4 MiB), so a pull never silences the commands running beside it.
 */
const PULL_WINDOW_BYTES = 2 * 1024 * 1024;

/** How often kept partial files nobody resumed are looked for. */
const KEPT_SWEEP_MS = 60 * 60 * 1000;

/**
 * The tentacle's side of file transfers: receives pushes into their target (resuming a partial file after a
 * reconnect or a restart), packs and sends pulls, lists trees. Paths are resolved with the path variables and
 * may not leave their root.
 */
export class NodeFiles implements FileService {
  private readonly log: Logger;
  private readonly pushes = new Map<string, IncomingPush>();
  /** Partial files of pushes stopped by a closed link, kept for a resume (or removed by a cancel or the sweep). */
  private readonly kept: KeptParts;
  /** What a previous run recorded in `kept` has been read. */
  private readonly keptLoaded: Promise<void>;
  private readonly keptSweeper: NodeJS.Timeout;
  private readonly now: () => number;
  /** When each push was first asked for, so a resumed push's result keeps that start. */
  private readonly firstAsked = new Map<string, number>();
  /** Per transfer id, the push request being handled: a repeated push waits for the one before. */
  private readonly lanes = new Lanes();
  private readonly sources: PullSources;
  /** Start-up clean-up of packed pulls and kept partial files a previous run left behind. */
  readonly swept: Promise<void>;

  constructor(private readonly options: NodeFilesOptions) {
    this.log = options.logger ?? pino({ level: 'silent' });
    this.now = options.now ?? Date.now;
    this.sources = new PullSources(options.stateDir, this.log);
    this.kept = new KeptParts(options.stateDir, this.log);
    this.keptLoaded = this.kept.load().catch((error: Error) => {
      this.log.warn({ file: this.kept.file, err: error.message }, 'cannot read the kept partial files');
    });
    const pulls = this.sources.sweep().catch((error: Error) => {
      this.log.warn({ err: error.message }, 'cannot clean up old packed pulls');
    });
    this.swept = Promise.all([pulls, this.sweepKept()]).then(() => undefined);
    this.keptSweeper = setInterval(() => void this.sweepKept(), KEPT_SWEEP_MS).unref();
  }

  /** Stops the hourly sweep. */
  close(): void {
    clearInterval(this.keptSweeper);
  }

  push(body: FilePush, link: TransferLink): Promise<PushReply> {
    return this.inLane(body.transferId, () => this.startPush(body, link));
  }

  async pull(body: FilePull): Promise<PullReply> {
    void this.sources.sweep().catch(() => undefined);
    try {
      const known = await this.sources.find(body.transferId);
      const offer = known ?? (await this.sources.offer(body, ...(await this.existing(body.path))));
      return { kind: 'file.source', body: offer.body };
    } catch (error) {
      return this.refusal(error, body.path, 'packing');
    }
  }

  async read(body: FileRead, link: TransferLink): Promise<void> {
    const { transferId } = body;
    const offer = await this.sources.find(transferId);
    if (!offer) return sendAbort(link, transferId, `no pull ${transferId} is offered here: pull it again`);
    let source: FileChunkSource;
    try {
      source = await FileChunkSource.open(offer.file);
    } catch (error) {
      return sendAbort(link, transferId, describeFailure(error, offer.file, 'reading'));
    }
    if (source.size !== offer.body.size) {
      await source.close();
      const change = `${offer.file} changed since it was offered (${source.size} bytes, not ${offer.body.size})`;
      return sendAbort(link, transferId, change);
    }
    const sender = new ChunkSender(link, transferId, source, { windowBytes: PULL_WINDOW_BYTES });
    link.table.addSender(sender);
    offer.readers++;
    sender
      .run(body.offset)
      .then(
        () => this.log.info({ transferId, size: source.size, resent: sender.resent }, 'pull sent'),
        (error: Error) => {
          this.log.info({ transferId, err: error.message }, 'pull stopped');
          // Stopped by the brain or a closed link, it knows; a failed read it must hear of.
          if (!(error instanceof ProtocolError && error.code === 'closed')) {
            sendAbort(link, transferId, describeFailure(error, offer.file, 'reading'));
          }
        },
      )
      .finally(() => {
        link.table.removeSender(sender);
        offer.readers--;
        offer.lastUsedAt = Date.now();
        void source.close().catch(() => undefined);
      });
  }

  async done(body: Pick<FileDone, 'transferId'>): Promise<void> {
    await this.sources.drop(body.transferId).catch((error: Error) => {
      this.log.warn({ transferId: body.transferId, err: error.message }, 'cannot delete a packed pull');
    });
  }

  /** In the transfer's lane, so a cancel that arrives while its push is still opening stops that push. */
  abort(body: FileAbort, link: TransferLink): Promise<void> {
    return this.inLane(body.transferId, () => this.cancel(body, link));
  }

  async tree(body: FileTree): Promise<TreeReply> {
    try {
      const path = await resolveUserPath(body.path, this.options);
      const entries = await listTree(path, { hidden: body.hidden }).catch((error: NodeJS.ErrnoException) => {
        throw notFound(error, body.path) ?? error;
      });
      return { kind: 'file.tree.result', body: { path, entries } };
    } catch (error) {
      return this.refusal(error, body.path, 'listing');
    }
  }

  private async cancel(body: FileAbort, link: TransferLink): Promise<void> {
    const push = this.pushes.get(body.transferId);
    if (push) push.stop(`cancelled: ${body.reason}`, true);
    link.table.abort(body);
    // A pull the brain gave up on: nothing will ask for its packed copy again.
    await this.done(body);
    if (!push) await this.discardKept(body.transferId);
  }

  /** Removes the partial file kept for `transferId`, if any and no push of it is running. */
  private async discardKept(transferId: string): Promise<void> {
    await this.keptLoaded;
    const kept = this.kept.get(transferId);
    if (kept === undefined || this.pushes.has(transferId)) return;
    this.firstAsked.delete(transferId);
    await rm(kept, { force: true });
    await this.kept.forget(transferId);
  }

  /**
   * Removes kept partial files nobody resumed within a day (the node was offline for the cancel, or the delivery
   * expired), each in its transfer's lane so a resume in progress keeps its file; forgets those already gone.
   */
  private async sweepKept(): Promise<void> {
    try {
      await this.keptLoaded;
      for (const transferId of this.kept.stale(this.now())) {
        this.log.info({ transferId }, 'removing a partial file nobody resumed');
        await this.inLane(transferId, () => this.discardKept(transferId));
      }
      await this.kept.dropMissing();
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, 'cannot clean up kept partial files');
    }
  }

  private async startPush(body: FilePush, link: TransferLink): Promise<PushReply> {
    const { transferId, invocationId, size } = body;
    const spooled = this.options.tasks.spooledResult(invocationId);
    if (spooled) {
      this.options.tasks.report(spooled);
      return ready(transferId, size, true);
    }
    const running = this.pushes.get(transferId);
    if (running?.placing) return ready(transferId, size, false);
    if (running) {
      running.stop('a newer push of the same transfer', false);
      await running.ended;
    }
    let target: string;
    try {
      target = await this.pushTarget(body);
    } catch (error) {
      return this.refusal(error, body.nodeapp ? nodeAppDirName(body.nodeapp) : body.target, 'preparing');
    }
    const startedAt = this.firstAsked.get(transferId) ?? Date.now();
    this.firstAsked.set(transferId, startedAt);
    let push: IncomingPush;
    try {
      push = await IncomingPush.open({
        body,
        target,
        link,
        // A push is an invocation: each of its lines names the task, as the brain's do.
        log: this.log.child({ invocationId: body.invocationId, taskId: body.taskId }),
        startedAt,
        settle: this.settlerOf(body),
        onEnd: (end) => this.pushEnded(body, target, end),
      });
    } catch (error) {
      this.firstAsked.delete(transferId);
      return fileError('io_failed', describeFailure(error, target));
    }
    this.pushes.set(transferId, push);
    await this.keptLoaded;
    await this.kept.forget(transferId);
    this.log.info(
      {
        transferId,
        invocationId,
        taskId: body.taskId,
        target,
        format: body.format,
        size,
        offset: push.offset,
      },
      push.offset > 0 ? 'push resumed' : 'push ready',
    );
    return ready(transferId, push.offset, false);
  }

  /** The directory a push goes into, made when missing: its nodeapp's (a scenario's prepare), or its target. */
  private async pushTarget(body: FilePush): Promise<string> {
    if (body.nodeapp) {
      const { nodeapps } = this.options;
      if (!nodeapps) throw new FileRequestError('not_supported', 'this tentacle keeps no nodeapps');
      if (body.format === 'file') checkFileName(body.name);
      return nodeapps.open(body.nodeapp);
    }
    // Octopoda's `.` arrives as an empty target: the store itself.
    const target = await resolveUserPath(body.target === '' ? '.' : body.target, this.options);
    if (body.format === 'file') checkFileName(body.name);
    await prepareTarget(target, body.force);
    return target;
  }

  /** A nodeapp's push is committed once placed; its result's output is the NodeAppOutcome. */
  private settlerOf(body: FilePush): IncomingPushOptions['settle'] {
    const { nodeapp } = body;
    const nodeapps = this.options.nodeapps;
    if (!nodeapp || !nodeapps) return undefined;
    return async (place) => JSON.stringify(await nodeapps.placeAndCommit(nodeapp, nodeapp.message, place));
  }

  private pushEnded(body: FilePush, target: string, end: PushEnd): void {
    const { transferId } = body;
    this.pushes.delete(transferId);
    if (end.partKept) return void this.kept.add(transferId, pushPaths(target, transferId).part, this.now());
    this.firstAsked.delete(transferId);
    if (end.result) this.options.tasks.report(end.result);
  }

  /** A missing path's stats, or a not_found refusal. */
  private async existing(input: string): Promise<[string, Stats]> {
    const path = await resolveUserPath(input, this.options);
    const stats = await stat(path).catch((error: NodeJS.ErrnoException) => {
      throw notFound(error, input) ?? error;
    });
    if (!stats.isFile() && !stats.isDirectory()) {
      throw new FileRequestError('io_failed', `${input} is neither a file nor a directory`);
    }
    return [path, stats];
  }

  private refusal(error: unknown, input: string, doing: string): FileErrorReply {
    if (error instanceof FileRequestError) return fileError(error.code, error.message);
    const where = (error as NodeJS.ErrnoException).path ?? input;
    this.log.warn({ path: where, err: (error as Error).message }, `failed ${doing}`);
    return fileError('io_failed', describeFailure(error, where, doing));
  }

  private inLane<T>(transferId: string, work: () => Promise<T>): Promise<T> {
    return this.lanes.run(transferId, work);
  }
}

function ready(transferId: string, offset: number, finished: boolean): PushReply {
  return { kind: 'file.ready', body: { transferId, offset, finished } };
}

function notFound(error: NodeJS.ErrnoException, input: string): FileRequestError | undefined {
  if (error.code !== 'ENOENT' && error.code !== 'ENOTDIR') return undefined;
  return new FileRequestError('not_found', `file or path not found: ${input}`);
}
