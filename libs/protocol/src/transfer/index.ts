export {
  CHUNK_HEADER_BYTES,
  DEFAULT_CHUNK_BYTES,
  FrameKind,
  chunkHeader,
  decodeChunk,
  encodeChunk,
  type FileChunk,
} from './chunk-frame';
export {
  ChunkSender,
  DEFAULT_WINDOW_BYTES,
  type BinaryLink,
  type ChunkSenderOptions,
  type ChunkSource,
} from './chunk-sender';
export { ChecksumMismatchError, ChunkReceiver, type ChunkOutcome } from './chunk-receiver';
export { FileChunkSource } from './file-source';
export { TransferTable, type ChunkSink } from './transfer-table';
export { DEFAULT_MAX_QUEUED_BYTES, receiverSink, type SinkEvents, type SinkReplies } from './receive-sink';
