import type { TunnelAck, TunnelClose, TunnelOpen } from '@octopod/protocol';
import type { SessionContext } from './handler-context';

/** The handlers of the tunnel kinds, spread into `createHandlers` (handler-map.ts). */
export function tunnelHandlers(context: SessionContext) {
  const { tunnels } = context;
  return {
    /** → `tunnel.opened` or `error` (not_found, busy, unreachable). */
    'tunnel.open': (body: TunnelOpen) => tunnels.service.open(body, tunnels.table),
    'tunnel.ack': (body: TunnelAck) => tunnels.table.ack(body),
    'tunnel.close': (body: TunnelClose) => tunnels.table.close(body),
  };
}
