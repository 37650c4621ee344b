import { Injectable } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { BlobService } from '../files/blob.service';
import type { PulledFile } from '../files/pull.delivery';
import type { FilePullSpec, TaskOptions } from '../tasks/task-options';
import type { Task } from '../../generated/prisma/client';
import type { ExecutionResult } from './execution-result';

/**
 * Octopoda's octl reads a pulled file from the task result itself: `Result` is the JSON text
 * `{PackName, TargetPath, FileBuf}` with the zip in base64 (raw, no padding). Only this face holds a pulled file
 * in memory, because its clients expect it there; /api/v2 streams.
 */
@Injectable()
export class V1PullPayload {
  constructor(private readonly blobs: BlobService) {}

  async fill(task: Task, results: ExecutionResult[]): Promise<ExecutionResult[]> {
    if (task.kind !== 'file_pull') return results;
    const spec = (task.options as unknown as TaskOptions).file as FilePullSpec;
    return Promise.all(
      results.map(async (entry) => {
        if (entry.Code !== 0) return entry;
        const pulled = JSON.parse(entry.Result) as PulledFile;
        const zip = await readFile(this.blobs.store.path(pulled.blob));
        const payload = {
          PackName: `${spec.zipPrefix ?? pulled.name}.zip`,
          TargetPath: spec.path,
          FileBuf: zip.toString('base64').replace(/=+$/, ''),
        };
        return { ...entry, Result: JSON.stringify(payload) };
      }),
    );
  }
}
