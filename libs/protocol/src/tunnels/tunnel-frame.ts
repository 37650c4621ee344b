import { FrameKind } from '../transfer/chunk-frame';
import { uuidBytes, uuidText } from '../uuid-bytes';

/**
 * A binary frame carrying a tunnel's bytes:
 *
 *   0      1               17
 *   | kind | tunnel id (16) | payload …
 *
 * kind 2 = tunnel data. TCP already checks the bytes on both hops, so there is no checksum.
 */
export const TUNNEL_HEADER_BYTES = 17;

export function tunnelHeader(tunnelId: string): Buffer {
  const header = Buffer.allocUnsafe(TUNNEL_HEADER_BYTES);
  header.writeUInt8(FrameKind.tunnelData, 0);
  uuidBytes(tunnelId).copy(header, 1);
  return header;
}

/** The tunnel id and payload of a tunnel frame; undefined for any other frame. */
export function decodeTunnelFrame(frame: Buffer): { tunnelId: string; payload: Buffer } | undefined {
  if (frame.length < TUNNEL_HEADER_BYTES || frame.readUInt8(0) !== FrameKind.tunnelData) return undefined;
  return {
    tunnelId: uuidText(frame.subarray(1, TUNNEL_HEADER_BYTES)),
    payload: frame.subarray(TUNNEL_HEADER_BYTES),
  };
}
