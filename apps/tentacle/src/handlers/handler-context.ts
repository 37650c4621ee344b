import type { StatusSource } from '@octopod/host';
import type {
  downstreamSchemas,
  Handler,
  HeartbeatAck,
  TunnelTable,
  upstreamSchemas,
  Welcome,
} from '@octopod/protocol';
import type { Logger } from 'pino';
import type { TaskService } from '../exec/task-service';
import type { FileService, TransferLink } from '../files/file-service';
import type { LogService } from '../logs/log-service';
import type { NodeAppService } from '../nodeapps/nodeapp-service';
import type { TunnelService } from '../ssh/tunnel-service';
import type { PakmaService } from '../pakma/pakma-service';

/** What a downstream handler may touch: the session it runs in, never the socket. */
export interface SessionContext {
  name: string;
  logger: Logger;
  status: StatusSource;
  tasks: TaskService;
  files: FileService;
  nodeapps: NodeAppService;
  /** This node's own log files. */
  logs: LogService;
  /** This session's transfers: chunks in and out, their acks and nacks. */
  transfers: TransferLink;
  /** This session's tunnels (ssh): bytes in and out, and what opens new ones. */
  tunnels: { table: TunnelTable; service: TunnelService };
  /** This host's pakma (upgrades of this tentacle). */
  pakma: PakmaService;
  /** A welcome that was not the reply to our hello (the brain re-sent its settings). */
  onWelcome(welcome: Welcome): void;
  onHeartbeatAck(ack: HeartbeatAck): void;
}

export type DownstreamHandler<K extends keyof typeof downstreamSchemas> = Handler<
  typeof downstreamSchemas,
  typeof upstreamSchemas,
  K
>;
