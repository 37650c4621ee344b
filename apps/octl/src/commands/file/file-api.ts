import type { OctopodClient } from '@octopod/sdk';
import type { CliContext, TaskApi } from '../../context';
import { OctlError } from '../../errors';

/** The brain operations of `file`: blobs, push and pull tasks, listings, and following the tasks. */
export type FileApi = TaskApi &
  Pick<
    OctopodClient,
    'uploadBlob' | 'downloadBlob' | 'nodeFileContent' | 'pushFile' | 'pullFile' | 'listNodeFiles'
  >;

const FILE_OPERATIONS = [
  'uploadBlob',
  'downloadBlob',
  'nodeFileContent',
  'pushFile',
  'pullFile',
  'listNodeFiles',
] as const satisfies readonly (keyof FileApi)[];

/**
 * The connected client, with its file operations. The CLI context types its client by the operations the other
 * command groups use; the SDK client has these too, and a test's fake must.
 */
export async function fileApiOf(ctx: Pick<CliContext, 'client'>): Promise<FileApi> {
  const api = (await ctx.client()) as Partial<Record<string, unknown>>;
  const missing = FILE_OPERATIONS.filter((operation) => typeof api[operation] !== 'function');
  if (missing.length > 0)
    throw new OctlError(`this brain client has no file operations (${missing.join(', ')})`);
  return api as unknown as FileApi;
}
