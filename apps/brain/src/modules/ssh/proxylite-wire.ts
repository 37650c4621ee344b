import type { Socket } from 'node:net';

/**
 * proxylite's control messages (github.com/piaodazhu/proxylite, protocol.go): an 8-byte header — type and body
 * length, both uint32 little-endian — then a JSON body.
 */
export const ProxyliteType = {
  undefined: 0,
  malformed: 1,
  askFreePortReq: 2,
  askFreePortRsp: 3,
  askServiceReq: 4,
  askServiceRsp: 5,
  registerServiceReq: 6,
  registerServiceRsp: 7,
} as const;

const HEADER_BYTES = 8;
/** A query is a few bytes of JSON; anything longer is not one. */
const MAX_BODY_BYTES = 64 * 1024;
/** Concurrent connections a node's service takes, as Octopoda registered it (MaxServeConn). */
export const PROXYLITE_CAPACITY = 20;

export function writeProxyliteMessage(type: number, body?: unknown): Buffer {
  const json = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(type, 0);
  header.writeUInt32LE(json.length, 4);
  return Buffer.concat([header, json]);
}

/** Reads one message from the socket; rejects on a short read, a close, or a body above the limit. */
export function readProxyliteMessage(socket: Socket): Promise<{ type: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const done = (error?: Error, message?: { type: number; body: Buffer }) => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      if (error) reject(error);
      else resolve(message as { type: number; body: Buffer });
    };
    const onEnd = () => done(new Error('connection closed before a whole message'));
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < HEADER_BYTES) return;
      const length = buffered.readUInt32LE(4);
      if (length > MAX_BODY_BYTES) return done(new Error(`message of ${length} bytes is too long`));
      if (buffered.length < HEADER_BYTES + length) return;
      done(undefined, {
        type: buffered.readUInt32LE(0),
        body: buffered.subarray(HEADER_BYTES, HEADER_BYTES + length),
      });
    };
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
  });
}
