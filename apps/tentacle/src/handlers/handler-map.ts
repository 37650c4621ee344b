import type { downstreamSchemas, HandlerMap, upstreamSchemas } from '@octopod/protocol';
import { errorHandler } from './error.handler';
import { fileHandlers } from './files';
import type { SessionContext } from './handler-context';
import { heartbeatAckHandler } from './heartbeat-ack.handler';
import { logGetHandler } from './log-get.handler';
import { nodeAppListHandler } from './nodeapp-list.handler';
import { pakmaCommandHandler } from './pakma-command.handler';
import { statusGetHandler } from './status-get.handler';
import { taskHandlers } from './tasks';
import { tunnelHandlers } from './tunnels';
import { welcomeHandler } from './welcome.handler';

export type TentacleHandlers = HandlerMap<typeof downstreamSchemas, typeof upstreamSchemas>;

/** One handler per downstream kind; the HandlerMap type makes a missing kind a compile error. */
export function createHandlers(context: SessionContext): TentacleHandlers {
  return {
    welcome: welcomeHandler(context),
    'heartbeat.ack': heartbeatAckHandler(context),
    'status.get': statusGetHandler(context),
    error: errorHandler(context),
    ...taskHandlers(context),
    ...fileHandlers(context),
    'nodeapp.list': nodeAppListHandler(context),
    'log.get': logGetHandler(context),
    ...tunnelHandlers(context),
    'pakma.command': pakmaCommandHandler(context),
  };
}
