import { randomUUID } from 'node:crypto';
import { envelopeSchema, PROTOCOL_VERSION, type Envelope } from './envelope';
import type { SchemaMap } from './messages';

/** A protocol violation, with a stable machine code. */
export class ProtocolError extends Error {
  constructor(
    readonly code:
      'bad_json' | 'bad_envelope' | 'unknown_kind' | 'bad_body' | 'version' | 'timeout' | 'closed' | 'remote',
    message: string,
    /** Id of the offending envelope, when the envelope itself was readable (so the reply can carry `re`). */
    readonly envelopeId?: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export function encode<K extends string, B>(kind: K, body: B, re?: string): string {
  const envelope: Envelope<K, B> = { v: PROTOCOL_VERSION, id: randomUUID(), kind, ts: Date.now(), body };
  if (re) envelope.re = re;
  return JSON.stringify(envelope);
}

/** Parses one text frame and validates its body against the schema of its kind. Throws ProtocolError. */
export function decode<M extends SchemaMap>(text: string, schemas: M): Envelope<Extract<keyof M, string>> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ProtocolError('bad_json', 'frame is not JSON');
  }
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success)
    throw new ProtocolError('bad_envelope', `bad envelope: ${envelope.error.issues[0]?.message}`);
  const { v, kind } = envelope.data;
  if (v !== PROTOCOL_VERSION) {
    throw new ProtocolError('version', `protocol version ${v} is not ${PROTOCOL_VERSION}`, envelope.data.id);
  }
  const schema = Object.hasOwn(schemas, kind) ? schemas[kind] : undefined;
  if (!schema) throw new ProtocolError('unknown_kind', `unknown message kind "${kind}"`, envelope.data.id);
  const body = schema.safeParse(envelope.data.body);
  if (!body.success) {
    const issue = body.error.issues[0];
    throw new ProtocolError(
      'bad_body',
      `bad ${kind}: ${issue?.path.join('.') || 'body'}: ${issue?.message}`,
      envelope.data.id,
    );
  }
  return { ...envelope.data, kind: kind as Extract<keyof M, string>, body: body.data };
}
