import type { ProtocolErrorBody } from '@octopod/protocol';
import type { GatewayContext } from '../gateway.context';

/** A tentacle reporting a problem with something the brain sent. */
export function errorHandler(ctx: GatewayContext) {
  return (error: ProtocolErrorBody) => {
    ctx.logger.warn({ node: ctx.session.name, code: error.code }, `tentacle reported: ${error.message}`);
  };
}
