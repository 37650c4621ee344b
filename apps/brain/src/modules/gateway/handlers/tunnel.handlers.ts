import type { TunnelAck, TunnelClose } from '@octopod/protocol';
import type { GatewayContext } from '../gateway.context';

/** Flow control and ends of the tunnels (ssh) on this link go to the tunnel they belong to. */
export function tunnelAckHandler(ctx: GatewayContext) {
  return (ack: TunnelAck) => ctx.session.tunnels.ack(ack);
}

export function tunnelCloseHandler(ctx: GatewayContext) {
  return (close: TunnelClose) => ctx.session.tunnels.close(close);
}
