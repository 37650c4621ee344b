// The brain's files API in memory, over the task fake: blobs in a map, push and pull as tasks whose nodes behave as
// `script` says, progress events before each node's success, listings and the brain's own files as given.
import {
  OctopodApiError,
  type BlobRef,
  type FileTree,
  type NodeFileContent,
  type PullFileRequest,
  type PushFileRequest,
  type StreamTaskEventsOptions,
  type TaskDetail,
  type TaskEvent,
  type TransferOptions,
  type UploadBlobOptions,
} from '@octopod/sdk';
import { createHash } from 'node:crypto';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { EventEmitter } from 'node:events';
import { runOctl } from '../../cli';
import { FakeTaskBrain, taskFleet, type NodeScript } from '../cmd/fake-tasks.helper-spec';
import { NOW } from '../node/fake-brain.helper-spec';
import type { FileApi } from './file-api';

/** A file or directory on a node or the brain: a directory's `bytes` are its tar. */
export interface RemoteFile {
  type: 'file' | 'dir';
  bytes: Buffer;
  mode?: number;
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const notFound = (path: string): OctopodApiError =>
  new OctopodApiError(404, 'path_not_found', `file or path not found: ${path}`);

export class FakeFileBrain extends FakeTaskBrain implements FileApi {
  readonly blobs = new Map<string, Buffer>();
  readonly pushes: PushFileRequest[] = [];
  readonly pulls: PullFileRequest[] = [];
  /** What `pullFile` finds: node → path → file. */
  readonly remote = new Map<string, Map<string, RemoteFile>>();
  /** What `listNodeFiles` answers: `<node>:<path>` → tree. */
  readonly trees = new Map<string, FileTree>();
  /** Push tasks, for their progress events: task id → bytes each node receives. */
  private readonly transfers = new Map<string, number>();

  constructor(...args: ConstructorParameters<typeof FakeTaskBrain>) {
    super(...args);
    this.script = () => ({});
  }

  put(node: string, path: string, file: RemoteFile): void {
    if (!this.remote.has(node)) this.remote.set(node, new Map());
    this.remote.get(node)!.set(path, file);
  }

  async uploadBlob(source: Readable, size: number, options: UploadBlobOptions = {}): Promise<BlobRef> {
    this.calls.push(`uploadBlob ${size}`);
    const chunks: Buffer[] = [];
    for await (const chunk of source) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    if (bytes.length !== size) throw new Error(`ended after ${bytes.length} of the ${size} bytes announced`);
    if (options.sha256 && options.sha256 !== sha256(bytes))
      throw new OctopodApiError(422, 'checksum_mismatch', 'sha256 differs');
    options.onProgress?.(size, size);
    this.blobs.set(sha256(bytes), bytes);
    return { sha256: sha256(bytes), size };
  }

  async downloadBlob(hash: string, into: Writable, options: TransferOptions = {}): Promise<BlobRef> {
    this.calls.push(`downloadBlob ${hash.slice(0, 8)}`);
    const bytes = this.blobs.get(hash);
    if (!bytes) throw new OctopodApiError(404, 'blob_not_found', `no blob ${hash}`);
    await pipeline(Readable.from([bytes]), into);
    options.onProgress?.(bytes.length, bytes.length);
    return { sha256: hash, size: bytes.length };
  }

  async nodeFileContent(node: string, path: string): Promise<NodeFileContent> {
    this.calls.push(`nodeFileContent ${node} ${path}`);
    const file = this.remote.get(node)?.get(path);
    if (!file) throw notFound(path);
    return {
      type: file.type,
      name: path.split('/').filter(Boolean).pop() ?? path,
      sha256: sha256(file.bytes),
      size: file.bytes.length,
      mode: file.mode ?? null,
      body: Readable.from([file.bytes]),
    };
  }

  async pushFile(body: PushFileRequest): Promise<TaskDetail> {
    this.calls.push(`pushFile ${body.format} ${body.name} -> "${body.path}"`);
    this.pushes.push(structuredClone(body));
    const blob = this.blobs.get(body.blob);
    if (!blob) throw new OctopodApiError(404, 'blob_not_found', `no blob ${body.blob}`);
    const task = await this.createTask({ targets: body.targets, command: `file push ${body.name}` });
    this.transfers.set(task.id, blob.length);
    return task;
  }

  async pullFile(body: PullFileRequest): Promise<TaskDetail> {
    this.calls.push(`pullFile ${body.node} ${body.path}`);
    this.pulls.push(structuredClone(body));
    const file = this.remote.get(body.node)?.get(body.path);
    const pulled = (): NodeScript => {
      if (!file) return { state: 'failed', error: notFound(body.path).message };
      const hash = sha256(file.bytes);
      this.blobs.set(hash, file.bytes);
      const name = body.path.split('/').filter(Boolean).pop() ?? body.path;
      const format = file.type === 'dir' ? 'tar' : 'file';
      const output = {
        blob: hash,
        size: file.bytes.length,
        format,
        type: file.type,
        name,
        mode: file.mode ?? 0o644,
      };
      return { output: JSON.stringify(output) };
    };
    const script = this.script;
    this.script = pulled;
    try {
      const task = await this.createTask({ targets: [body.node], command: `file pull ${body.path}` });
      if (file) this.transfers.set(task.id, file.bytes.length);
      return task;
    } finally {
      this.script = script;
    }
  }

  async listNodeFiles(name: string, query: { path: unknown; hidden?: boolean }): Promise<FileTree> {
    this.calls.push(`listNodeFiles ${name} ${String(query.path)} hidden=${query.hidden}`);
    const tree = this.trees.get(`${name}:${String(query.path)}`);
    if (!tree) throw notFound(String(query.path));
    return structuredClone(tree);
  }

  /** Adds the brain's progress events: half, then all of the bytes, before a node's transfer succeeds. */
  override streamTaskEvents(
    id: string,
    onEvent: (event: TaskEvent) => void,
    options: StreamTaskEventsOptions = {},
  ): Promise<TaskDetail> {
    const total = this.transfers.get(id);
    return super.streamTaskEvents(
      id,
      (event) => {
        if (total !== undefined && event.type === 'invocation' && event.invocation.state === 'success') {
          const { id: invocationId, node } = event.invocation;
          for (const bytes of [Math.floor(total / 2), total])
            onEvent({ type: 'progress', progress: { invocationId, node, bytes, total } });
        }
        onEvent(event);
      },
      options,
    );
  }
}

/** The task fleet (pi-1, pi-2 online; pi-3 unstable; pi-4 offline; lab = pi-2..pi-4), with files. */
export function fileFleet(extraOnline = 0): FakeFileBrain {
  const base = taskFleet(extraOnline);
  return new FakeFileBrain(base.nodes, base.groups);
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs octl in-process against `brain`, capturing what it writes. */
export async function octlWith(
  brain: FakeFileBrain,
  argv: string[],
  options: { tty?: boolean; signals?: EventEmitter; home?: string } = {},
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const home = options.home ?? '/nonexistent';
  const code = await runOctl(argv, {
    stdout: { write: (t: string) => (stdout += t), isTTY: options.tty ?? false },
    stderr: { write: (t: string) => (stderr += t) },
    env: {},
    cwd: home,
    home,
    now: () => NOW,
    signals: options.signals,
    connect: async () => brain,
  });
  return { code, stdout, stderr };
}
