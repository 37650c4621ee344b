import type { ServerResponse } from 'node:http';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Writes a JSON body the way gin's `ctx.JSON` does (same content type, exact length). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(status, { 'Content-Type': JSON_CONTENT_TYPE, 'Content-Length': payload.length });
  res.end(payload);
}

/** Octopoda's `{"msg": ...}` reply. */
export function sendMessage(res: ServerResponse, status: number, msg: string): void {
  sendJson(res, status, { msg });
}

export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'Content-Length': 0 });
  res.end();
}
