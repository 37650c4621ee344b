import type {
  FileAbort,
  FileAck,
  FileDone,
  FileNack,
  FilePull,
  FilePush,
  FileRead,
  FileTree,
} from '@octopod/protocol';
import type { SessionContext } from './handler-context';

/**
 * The handlers of the file kinds, spread into `createHandlers` (handler-map.ts). Requests (`file.push`,
 * `file.pull`, `file.tree`) are answered by the file service; the other kinds steer this session's transfers.
 */
export function fileHandlers(context: SessionContext) {
  const { files, transfers } = context;
  return {
    /** → `file.ready` (send from this offset) or `error` (path_refused, target_invalid, io_failed...). */
    'file.push': (body: FilePush) => files.push(body, transfers),
    /** → `file.source` (what is offered) or `error` (not_found, path_refused...). */
    'file.pull': (body: FilePull) => files.pull(body),
    /** Starts sending an offered pull from an offset; no answer (the bytes follow, or a `file.abort`). */
    'file.read': (body: FileRead) => files.read(body, transfers),
    'file.done': (body: FileDone) => files.done(body),
    /** The brain confirms (or asks again for) bytes of a pull we send. */
    'file.ack': (body: FileAck) => transfers.table.ack(body),
    'file.nack': (body: FileNack) => transfers.table.nack(body),
    /** The brain stops a transfer either way (a cancel, or its side failed). */
    'file.abort': (body: FileAbort) => files.abort(body, transfers),
    /** → `file.tree.result` or `error` (not_found, path_refused...). */
    'file.tree': (body: FileTree) => files.tree(body),
  };
}
