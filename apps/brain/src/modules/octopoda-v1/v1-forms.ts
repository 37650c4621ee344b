import { RequestMethod, type MiddlewareConsumer } from '@nestjs/common';
import multer from 'multer';

export const SCRIPT_LIMIT = 16 * 1024 * 1024;

/**
 * Octopoda's octl posts multipart forms. They are parsed before the guards run (as middleware, not as a route
 * interceptor), so the ScopeGuard sees `targetNodes` and `taskid` like any other field.
 */
export function parseV1Forms(consumer: MiddlewareConsumer): void {
  const fieldsOnly = multer().none();
  const withScript = multer({ limits: { fileSize: SCRIPT_LIMIT } }).single('script');
  consumer
    .apply(fieldsOnly)
    .forRoutes(
      { path: 'api/v1/run/cmd', method: RequestMethod.POST },
      { path: 'api/v1/run/cancel', method: RequestMethod.POST },
    );
  consumer.apply(withScript).forRoutes({ path: 'api/v1/run/script', method: RequestMethod.POST });
}
