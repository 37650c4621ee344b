import { RequestMethod, type MiddlewareConsumer } from '@nestjs/common';
import multer from 'multer';
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import type { TLSSocket } from 'node:tls';
import type { Request, Response } from 'express';

export const SCRIPT_LIMIT = 16 * 1024 * 1024;

/**
 * Octopoda's octl posts multipart forms. They are parsed before the guards run (as middleware, not as a route
 * interceptor), so the ScopeGuard sees `targetNodes` and `taskid` like any other field.
 */
export function parseV1Forms(consumer: MiddlewareConsumer, uploadDir: string, maxUploadBytes: number): void {
  const fieldsOnly = multer().none();
  const withScript = multer({ limits: { fileSize: SCRIPT_LIMIT } }).single('script');
  consumer
    .apply(fieldsOnly)
    .forRoutes(
      ...[
        'run/cmd',
        'run/cancel',
        'scenario/info',
        'scenario/update',
        'scenario/version',
        'scenario/app/commit',
        'node/app/version',
        'ssh',
        'pakma',
      ].map((path) => ({ path: `api/v1/${path}`, method: RequestMethod.POST })),
    );
  consumer
    .apply(withScript)
    .forRoutes(
      { path: 'api/v1/run/script', method: RequestMethod.POST },
      { path: 'api/v1/scenario/app/deployment', method: RequestMethod.POST },
    );
  // File uploads stream to disk beside the blob store (never held in memory) and become blobs by rename.
  const toDisk = multer({
    limits: { fileSize: maxUploadBytes },
    storage: multer.diskStorage({
      destination: (_req, _file, done) =>
        mkdir(uploadDir, { recursive: true }).then(
          () => done(null, uploadDir),
          (error: Error) => done(error, uploadDir),
        ),
      filename: (_req, _file, done) => done(null, `v1-${randomUUID()}.upload`),
    }),
  });
  consumer
    .apply(authorizedOnly(toDisk.single('packfiles')))
    .forRoutes({ path: 'api/v1/file/distrib', method: RequestMethod.POST });
  consumer
    .apply(authorizedOnly(toDisk.single('tarfile')))
    .forRoutes({ path: 'api/v1/file/upload', method: RequestMethod.POST });
  consumer
    .apply(authorizedOnly(toDisk.single('files')))
    .forRoutes({ path: 'api/v1/scenario/app/prepare', method: RequestMethod.POST });
}

type Middleware = (req: Request, res: Response, next: (error?: unknown) => void) => void;

/**
 * Upload middleware runs before the guards: it writes to disk only for a connection with a client certificate of
 * our CA (which the Octopoda face requires anyway), and whatever the handler did not adopt is deleted when the
 * response ends (a refused password, a bad form).
 */
function authorizedOnly(upload: Middleware): Middleware {
  return (req, res, next) => {
    if (!(req.socket as TLSSocket).authorized) return next();
    res.on('close', () => {
      const file = (req as Request & { file?: { path: string } }).file;
      if (file) void rm(file.path, { force: true });
    });
    upload(req, res, next);
  };
}
