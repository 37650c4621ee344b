import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import type { TLSSocket } from 'node:tls';
import { correlationIdOf } from '../../core/http/correlation-id';
import { normalizePath } from '../workgroup/workgroup-path';
import { AuditCatalogue } from './audit-catalogue';
import { buildAuditRecord, type AuditFacts } from './audit-record';
import type { AuditedRequest } from './audit-request';
import { AuditWriter } from './audit.writer';

type ErrorBody = { code?: unknown; message?: unknown };

function peerCertificate(req: AuditedRequest): AuditFacts['peerCertificate'] {
  const socket = req.socket as TLSSocket;
  const cn = socket.getPeerCertificate?.()?.subject?.CN;
  return cn ? { name: String(cn), verified: socket.authorized === true } : undefined;
}

function claimedWorkgroup(req: AuditedRequest): string | undefined {
  const header = req.header('x-workgroup-path') ?? req.header('currentpath');
  return header === undefined ? undefined : normalizePath(header);
}

/** The error code and message of a refused /api/v2 call, noted as the error filter writes its JSON body. */
function noteErrorBody(res: Response): void {
  const json = res.json.bind(res);
  res.json = (body?: unknown) => {
    if (res.statusCode >= 400 && body && typeof body === 'object') {
      const { code, message } = body as ErrorBody;
      res.locals.auditError = {
        code: typeof code === 'string' ? code : undefined,
        message: typeof message === 'string' ? message.slice(0, 300) : undefined,
      };
    }
    return json(body);
  };
}

/** A caller turned away for who it is or what it may touch: recorded even on a read, as a security event. */
function isAccessRefusal(status: number): boolean {
  return status === 401 || status === 403;
}

/**
 * Audits at the HTTP layer, when the response is done: so guard refusals, validation errors and crashes of every
 * route are recorded alike, and a new route is covered without doing anything. Also sets the correlation id.
 */
@Injectable()
export class AuditMiddleware implements NestMiddleware {
  constructor(
    private readonly catalogue: AuditCatalogue,
    private readonly writer: AuditWriter,
  ) {}

  use(req: AuditedRequest, res: Response, next: NextFunction): void {
    const correlationId = correlationIdOf(req, res);
    const at = new Date();
    noteErrorBody(res);
    res.once('close', () => this.record(req, res, correlationId, at));
    next();
  }

  private record(req: AuditedRequest, res: Response, correlationId: string, at: Date): void {
    // No matched route (404 for an unknown path): nothing was called.
    const pattern: unknown = req.route?.path;
    if (typeof pattern !== 'string') return;
    const route = this.catalogue.find(req.method, pattern);
    if (!route || !(route.audited || isAccessRefusal(res.statusCode))) return;
    this.writer.add(
      buildAuditRecord({
        at,
        correlationId,
        method: req.method,
        route: pattern,
        action: route.action,
        status: res.statusCode,
        // The brain finished its answer (the client may hang up before the last bytes leave): not aborted.
        completed: res.writableEnded,
        caller: req.caller,
        presented: req.presented,
        peerCertificate: peerCertificate(req),
        claimedWorkgroup: claimedWorkgroup(req),
        note: req.auditNote,
        targets: req.scopeTargets,
        params: req.params as Record<string, string>,
        error: res.locals.auditError as AuditFacts['error'],
      }),
    );
  }
}
