import { crc32 } from 'node:zlib';
import { uuidBytes, uuidText } from '../uuid-bytes';

/**
 * A binary frame carrying file bytes:
 *
 *   0      1                 17                25      29
 *   | kind | transfer id (16) | offset (u64 BE) | crc32 | payload …
 *
 * kind 1 = file chunk. The transfer id is the uuid's 16 bytes; crc32 covers the payload. Kind 2 is a tunnel's
 * bytes (see ../tunnels/tunnel-frame.ts).
 */
export const FrameKind = { fileChunk: 1, tunnelData: 2 } as const;
export const CHUNK_HEADER_BYTES = 29;
/** Default payload of one chunk: large enough to keep per-frame costs small, far below `maxPayload`. */
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;

export interface FileChunk {
  transferId: string;
  offset: number;
  payload: Buffer;
  /** False when the payload does not match its checksum (corrupted on the way). */
  intact: boolean;
}

/** The header of a chunk; send it together with the payload (`[header, payload]`) to avoid a copy. */
export function chunkHeader(transferId: string, offset: number, payload: Buffer): Buffer {
  const header = Buffer.allocUnsafe(CHUNK_HEADER_BYTES);
  header.writeUInt8(FrameKind.fileChunk, 0);
  uuidBytes(transferId).copy(header, 1);
  header.writeBigUInt64BE(BigInt(offset), 17);
  header.writeUInt32BE(crc32(payload), 25);
  return header;
}

export function encodeChunk(transferId: string, offset: number, payload: Buffer): Buffer {
  return Buffer.concat([chunkHeader(transferId, offset, payload), payload]);
}

/** Reads a binary frame; throws on one that is not a file chunk. */
export function decodeChunk(frame: Buffer): FileChunk {
  if (frame.length < CHUNK_HEADER_BYTES || frame.readUInt8(0) !== FrameKind.fileChunk) {
    throw new Error(`binary frame of ${frame.length} bytes is not a file chunk`);
  }
  const payload = frame.subarray(CHUNK_HEADER_BYTES);
  return {
    transferId: uuidText(frame.subarray(1, 17)),
    offset: Number(frame.readBigUInt64BE(17)),
    payload,
    intact: crc32(payload) === frame.readUInt32BE(25),
  };
}
