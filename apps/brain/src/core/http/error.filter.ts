import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiError, V1Reply } from './api-error';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'too_many_requests',
};

/** One place that turns every error into the body its face promises. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<Request>();
    if (error instanceof V1Reply) {
      const status = error.getStatus();
      if (error.payload === undefined) response.status(status).end();
      else if (error.asText)
        response.status(status).type('text/plain; charset=utf-8').send(String(error.payload));
      else response.status(status).json(error.payload);
      return;
    }
    if (request.path.startsWith('/api/v1/')) {
      // Octopoda answers unexpected failures with an empty body.
      const status = error instanceof HttpException ? error.getStatus() : 500;
      if (status >= 500) this.logger.error(error);
      response.status(status).end();
      return;
    }
    if (error instanceof ApiError) {
      response.status(error.getStatus()).json(error.getResponse());
      return;
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const body = error.getResponse();
      const message =
        typeof body === 'string'
          ? body
          : [(body as { message?: unknown }).message].flat().filter(Boolean).join('; ') || error.message;
      response.status(status).json({ statusCode: status, code: CODE_BY_STATUS[status] ?? 'error', message });
      return;
    }
    this.logger.error(error);
    response.status(500).json({ statusCode: 500, code: 'internal', message: 'internal error' });
  }
}
