import { RequestMethod, type MiddlewareConsumer } from '@nestjs/common';
import multer from 'multer';
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';

export const SCRIPT_LIMIT = 16 * 1024 * 1024;

/**
 * Octopoda's octl posts multipart forms. They are parsed before the guards run (as middleware, not as a route
 * interceptor), so the ScopeGuard sees `targetNodes` and `taskid` like any other field.
 */
export function parseV1Forms(consumer: MiddlewareConsumer, uploadDir: string): void {
  const fieldsOnly = multer().none();
  const withScript = multer({ limits: { fileSize: SCRIPT_LIMIT } }).single('script');
  consumer
    .apply(fieldsOnly)
    .forRoutes(
      { path: 'api/v1/run/cmd', method: RequestMethod.POST },
      { path: 'api/v1/run/cancel', method: RequestMethod.POST },
    );
  consumer.apply(withScript).forRoutes({ path: 'api/v1/run/script', method: RequestMethod.POST });
  // File uploads stream to disk beside the blob store (never held in memory) and become blobs by rename.
  const toDisk = multer({
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
    .apply(toDisk.single('packfiles'))
    .forRoutes({ path: 'api/v1/file/distrib', method: RequestMethod.POST });
  consumer
    .apply(toDisk.single('tarfile'))
    .forRoutes({ path: 'api/v1/file/upload', method: RequestMethod.POST });
}
