import type { DownstreamHandler, SessionContext } from './handler-context';

/** The brain rejected something we sent; there is nothing to answer (an error never gets an error back). */
export function errorHandler(context: SessionContext): DownstreamHandler<'error'> {
  return (error, envelope) => {
    context.logger.warn(
      { code: error.code, re: envelope.re, reason: error.message },
      'brain reported an error',
    );
  };
}
