import type { CallerContext } from '../../core/auth/access.guard';

/** `anonymous`: an unauthenticated refusal where nothing identified the caller. */
export type ActorKind = CallerContext['kind'] | 'anonymous';
export type Outcome = 'ok' | 'refused' | 'failed';
export type Face = 'v1' | 'v2';

/** What a handler may add to its own audit record (a login names the workgroup and the token it made). */
export interface AuditNote {
  actorKind?: ActorKind;
  actor?: string;
  workgroup?: string;
  detail?: Record<string, unknown>;
}

export interface NewAuditRecord {
  at: Date;
  correlationId: string;
  face: Face;
  actorKind: ActorKind;
  actor: string;
  workgroup: string;
  method: string;
  route: string;
  action: string;
  targets: string[];
  status: number;
  outcome: Outcome;
  detail: Record<string, unknown> | null;
}

/** Everything the HTTP layer knows about one finished call. */
export interface AuditFacts {
  at: Date;
  correlationId: string;
  method: string;
  /** The route pattern (`/api/v2/tokens/:id`), not the URL. */
  route: string;
  action: string;
  status: number;
  /** False when the connection closed before the answer was sent. */
  completed: boolean;
  caller?: CallerContext;
  /** Who a refused caller claimed to be (an expired token), as the guard found it. */
  presented?: { kind: CallerContext['kind']; actor: string };
  /** The client certificate offered on the connection, verified or not. */
  peerCertificate?: { name: string; verified: boolean };
  /** The workgroup a request asked for in its headers (`x-workgroup-path`, Octopoda's `currentpath`). */
  claimedWorkgroup?: string;
  note?: AuditNote;
  targets?: string[];
  params?: Record<string, string>;
  error?: { code?: string; message?: string };
}

/** Claims of unauthenticated callers are stored, so they are cut to a sane size. */
const MAX_TEXT = 200;
const cut = (text: string): string => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text);

export function outcomeOf(status: number, completed: boolean): Outcome {
  if (!completed || status >= 500) return 'failed';
  return status >= 400 ? 'refused' : 'ok';
}

export function faceOf(route: string): Face {
  return route.startsWith('/api/v1/') ? 'v1' : 'v2';
}

function actorOf(facts: AuditFacts): { actorKind: ActorKind; actor: string } {
  const { caller, presented, peerCertificate, note } = facts;
  if (note?.actor) return { actorKind: note.actorKind ?? caller?.kind ?? 'anonymous', actor: note.actor };
  if (caller) return { actorKind: caller.kind, actor: caller.actor };
  if (presented) return { actorKind: presented.kind, actor: presented.actor };
  if (peerCertificate) {
    const { name, verified } = peerCertificate;
    return { actorKind: 'certificate', actor: verified ? name : `${name} (unverified)` };
  }
  return { actorKind: 'anonymous', actor: 'anonymous' };
}

/** One audit row from the facts of a call; unauthenticated claims are kept, but bounded. */
export function buildAuditRecord(facts: AuditFacts): NewAuditRecord {
  const detail: Record<string, unknown> = {};
  if (facts.params && Object.keys(facts.params).length > 0) detail.params = facts.params;
  if (facts.error && (facts.error.code || facts.error.message)) detail.error = facts.error;
  if (!facts.completed) detail.aborted = true;
  Object.assign(detail, facts.note?.detail);
  const { actorKind, actor } = actorOf(facts);
  const workgroup = facts.note?.workgroup ?? facts.caller?.scopePath ?? facts.claimedWorkgroup ?? '';
  return {
    at: facts.at,
    correlationId: facts.correlationId,
    face: faceOf(facts.route),
    actorKind,
    actor: cut(actor),
    workgroup: cut(workgroup),
    method: facts.method,
    route: facts.route,
    action: facts.action,
    targets: facts.targets ?? [],
    status: facts.status,
    outcome: outcomeOf(facts.status, facts.completed),
    detail: Object.keys(detail).length > 0 ? detail : null,
  };
}
