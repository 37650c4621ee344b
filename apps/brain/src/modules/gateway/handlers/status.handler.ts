import type { NodeStatus } from '@octopod/protocol';
import type { GatewayContext } from '../gateway.context';

/** Status normally arrives as a reply to `status.get`; an unsolicited one is only logged. */
export function statusHandler(ctx: GatewayContext) {
  return (status: NodeStatus) => {
    ctx.logger.debug({ node: ctx.session.name, cpu: status.cpuLoadShort }, 'unsolicited status');
  };
}
