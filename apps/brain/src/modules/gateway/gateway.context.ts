import type { Logger } from '@nestjs/common';
import type { BrainConfig } from '../../core/config/brain-config';
import type { NodePresenceService } from '../nodes/node-presence.service';
import type { SessionRegistry } from '../sessions/session-registry';
import type { TaskDispatcher } from '../tasks/task-dispatcher.service';
import type { TentacleSession } from '../sessions/tentacle-session';

/** Everything a message handler may use, for one connection. */
export interface GatewayContext {
  session: TentacleSession;
  config: BrainConfig;
  brainVersion: string;
  presence: NodePresenceService;
  registry: SessionRegistry;
  dispatcher: TaskDispatcher;
  logger: Logger;
}
