import { z } from 'zod';

/** Version of the brain <-> tentacle wire contract. Bumped on incompatible change. */
export const PROTOCOL_VERSION = 1;

/** Default ws `maxPayload`: a frame above this is refused by both ends. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;

/** WebSocket close codes used by the link (4000-4999 are application-defined). */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  badMessage: 4400,
  /** The node's certificate was revoked (`octl node revoke`): reconnecting cannot help, only a new enrolment. */
  revoked: 4401,
  identityMismatch: 4403,
  replaced: 4409,
  versionMismatch: 4426,
  shuttingDown: 4503,
  internalError: 1011,
} as const;

/**
 * The gateway refuses some verified certificates at the WebSocket upgrade, before any message: HTTP 403 with this
 * header naming why (the body is a human message).
 */
export const REFUSAL_HEADER = 'x-octopod-refusal';
export const UpgradeRefusal = {
  /** The certificate's node was revoked and this certificate was not issued after that. */
  revoked: 'revoked',
  /** Not a `node` certificate (e.g. an admin's, or one made before certificates had roles). */
  wrongRole: 'wrong_role',
} as const;
export type UpgradeRefusalCode = (typeof UpgradeRefusal)[keyof typeof UpgradeRefusal];

export const envelopeSchema = z.object({
  v: z.number().int().positive(),
  id: z.string().min(1).max(64),
  kind: z.string().min(1).max(64),
  re: z.string().min(1).max(64).optional(),
  ts: z.number(),
  body: z.unknown(),
});

/** One JSON text frame: `{v, id, kind, re?, ts, body}`. `re` names the request this replies to. */
export interface Envelope<K extends string = string, B = unknown> {
  v: number;
  id: string;
  kind: K;
  re?: string;
  ts: number;
  body: B;
}
