import { CloseCode, type HandlerMap, type downstreamSchemas, type upstreamSchemas } from '@octopod/protocol';
import type { GatewayContext } from '../gateway.context';
import { errorHandler } from './error.handler';
import { fileAbortHandler, fileAckHandler, fileNackHandler, lateReplyHandler } from './file.handlers';
import { heartbeatHandler } from './heartbeat.handler';
import { helloHandler } from './hello.handler';
import { statusHandler } from './status.handler';
import {
  taskAcceptedHandler,
  taskCancelOkHandler,
  taskOutputHandler,
  taskResultHandler,
  taskStartedHandler,
} from './task.handlers';
import { tunnelAckHandler, tunnelCloseHandler } from './tunnel.handlers';

type Up = typeof upstreamSchemas;
type Down = typeof downstreamSchemas;

/** Every upstream kind has exactly one handler: the mapped type makes a missing one a compile error. */
export function buildHandlers(ctx: GatewayContext): HandlerMap<Up, Down> {
  const handlers: HandlerMap<Up, Down> = {
    hello: helloHandler(ctx),
    heartbeat: heartbeatHandler(ctx),
    status: statusHandler(ctx),
    error: errorHandler(ctx),
    'task.accepted': taskAcceptedHandler(ctx),
    'task.cancel.ok': taskCancelOkHandler(ctx),
    'task.started': taskStartedHandler(ctx),
    'task.output': taskOutputHandler(ctx),
    'task.result': taskResultHandler(ctx),
    'file.ready': lateReplyHandler(ctx, 'file.ready'),
    'file.source': lateReplyHandler(ctx, 'file.source'),
    'file.tree.result': lateReplyHandler(ctx, 'file.tree.result'),
    'nodeapp.list.result': lateReplyHandler(ctx, 'nodeapp.list.result'),
    'log.lines': lateReplyHandler(ctx, 'log.lines'),
    'file.ack': fileAckHandler(ctx),
    'file.nack': fileNackHandler(ctx),
    'file.abort': fileAbortHandler(ctx),
    'tunnel.opened': lateReplyHandler(ctx, 'tunnel.opened'),
    'tunnel.ack': tunnelAckHandler(ctx),
    'tunnel.close': tunnelCloseHandler(ctx),
    'pakma.result': lateReplyHandler(ctx, 'pakma.result'),
  };
  return requireHello(ctx, handlers);
}

/** Nothing but `hello` is accepted before the node has said who it is. */
function requireHello(ctx: GatewayContext, handlers: HandlerMap<Up, Down>): HandlerMap<Up, Down> {
  const guarded = { ...handlers };
  for (const kind of Object.keys(handlers) as Array<keyof Up>) {
    if (kind === 'hello') continue;
    const inner = handlers[kind] as (...args: unknown[]) => unknown;
    guarded[kind] = ((...args: unknown[]) => {
      if (!ctx.session.name) {
        ctx.session.close(CloseCode.badMessage, 'hello must be the first message');
        return undefined;
      }
      return inner(...args);
    }) as never;
  }
  return guarded;
}
