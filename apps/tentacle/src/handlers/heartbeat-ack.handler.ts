import type { DownstreamHandler, SessionContext } from './handler-context';

export function heartbeatAckHandler(context: SessionContext): DownstreamHandler<'heartbeat.ack'> {
  return (ack) => {
    context.onHeartbeatAck(ack);
  };
}
