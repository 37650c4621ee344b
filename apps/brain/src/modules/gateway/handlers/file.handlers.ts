import type { FileAbort, FileAck, FileNack } from '@octopod/protocol';
import type { GatewayContext } from '../gateway.context';

/** Confirmations and refusals of the file transfers on this link go to the transfer they belong to. */
export function fileAckHandler(ctx: GatewayContext) {
  return (ack: FileAck) => ctx.session.transfers.ack(ack);
}

export function fileNackHandler(ctx: GatewayContext) {
  return (nack: FileNack) => {
    ctx.logger.warn(
      { node: ctx.session.name, transfer: nack.transferId, reason: nack.reason },
      'chunk re-sent',
    );
    ctx.session.transfers.nack(nack);
  };
}

export function fileAbortHandler(ctx: GatewayContext) {
  return (abort: FileAbort) => {
    ctx.logger.warn(
      { node: ctx.session.name, transfer: abort.transferId, reason: abort.reason },
      'node stopped a transfer',
    );
    ctx.session.transfers.abort(abort);
  };
}

/** Replies (`file.ready`, `file.tree.result`, `tunnel.opened`, …) arriving on their own came too late. */
export function lateReplyHandler(ctx: GatewayContext, kind: string) {
  return () => ctx.logger.debug({ node: ctx.session.name, kind }, 'late reply');
}
