import { z } from 'zod';
import {
  taskAcceptedSchema,
  taskAssignSchema,
  taskCancelOkSchema,
  taskCancelSchema,
  taskOutputSchema,
  taskResultAckSchema,
  taskResultSchema,
  taskStartedSchema,
} from './tasks';
import {
  fileAbortSchema,
  fileAckSchema,
  fileDoneSchema,
  fileNackSchema,
  filePullSchema,
  filePushSchema,
  fileReadSchema,
  fileReadySchema,
  fileSourceSchema,
  fileTreeResultSchema,
  fileTreeSchema,
} from './files';
import { logGetSchema, logLinesSchema } from './logs';
import { nodeAppListResultSchema, nodeAppListSchema } from './nodeapps';
import { pakmaCommandSchema, pakmaResultSchema } from './pakma';
import {
  tunnelAckSchema,
  tunnelCloseSchema,
  tunnelOpenedSchema,
  tunnelOpenSchema,
} from './tunnels/tunnel-messages';

const nodeName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'node names use letters, digits, ".", "_" and "-"');

/** Facts a tentacle reports about its host when it says hello. */
export const nodeFactsSchema = z.object({
  hostname: z.string(),
  platform: z.string(),
  arch: z.string(),
  cpuCores: z.number().int().nonnegative(),
  /** The tentacle's local address of this connection, as Octopoda reports it. */
  addr: z.string(),
});

export const helloSchema = z.object({
  name: nodeName,
  version: z.string().max(256),
  protocol: z.number().int().positive(),
  capabilities: z.array(z.string().max(64)).max(64),
  facts: nodeFactsSchema,
});

export const welcomeSchema = z.object({
  brainName: z.string(),
  brainVersion: z.string(),
  /** Brain clock (unix ms) when the welcome was sent. */
  brainTime: z.number(),
  heartbeatIntervalMs: z.number().int().positive(),
});

/** NTP-style: the tentacle stamps t1 on send; the brain stamps t2 on receive and t3 on reply. */
export const heartbeatSchema = z.object({
  seq: z.number().int().nonnegative(),
  t1: z.number(),
  /** Last measured one-way delay (rtt / 2), ms; null until the first round trip. */
  delayMs: z.number().nonnegative().nullable(),
  /** Estimated brain clock minus tentacle clock, ms. */
  offsetMs: z.number().nullable(),
  /** Bound on the error of offsetMs, ms. */
  offsetErrorMs: z.number().nonnegative().nullable(),
});

export const heartbeatAckSchema = z.object({
  seq: z.number().int().nonnegative(),
  t1: z.number(),
  t2: z.number(),
  t3: z.number(),
});

export const statusGetSchema = z.object({});

/** Host status, sampled on the node (Octopoda's Status with camelCase keys). */
export const nodeStatusSchema = z.object({
  name: z.string(),
  platform: z.string(),
  cpuCores: z.number().int().nonnegative(),
  /** The node's clock at reply time, RFC 3339 with the node's UTC offset (Go's time.Time must parse it). */
  localTime: z
    .string()
    .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/, 'must be RFC 3339'),
  /** CPU load, percent, over the last sample (~1 s). */
  cpuLoadShort: z.number().nonnegative(),
  /** CPU load, percent, averaged over the last 10 samples. */
  cpuLoadLong: z.number().nonnegative(),
  memUsed: z.number().int().nonnegative(),
  memTotal: z.number().int().nonnegative(),
  diskUsed: z.number().int().nonnegative(),
  diskTotal: z.number().int().nonnegative(),
});

export const errorSchema = z.object({
  code: z.string().min(1).max(64),
  message: z.string().max(4096),
});

/** Messages the tentacle sends (upstream). */
export const upstreamSchemas = {
  hello: helloSchema,
  heartbeat: heartbeatSchema,
  status: nodeStatusSchema,
  error: errorSchema,
  'task.accepted': taskAcceptedSchema,
  'task.cancel.ok': taskCancelOkSchema,
  'task.started': taskStartedSchema,
  'task.output': taskOutputSchema,
  'task.result': taskResultSchema,
  'file.ready': fileReadySchema,
  'file.source': fileSourceSchema,
  'file.ack': fileAckSchema,
  'file.nack': fileNackSchema,
  'file.abort': fileAbortSchema,
  'file.tree.result': fileTreeResultSchema,
  'nodeapp.list.result': nodeAppListResultSchema,
  'log.lines': logLinesSchema,
  'tunnel.opened': tunnelOpenedSchema,
  'tunnel.ack': tunnelAckSchema,
  'tunnel.close': tunnelCloseSchema,
  'pakma.result': pakmaResultSchema,
} as const;

/** Messages the brain sends (downstream). */
export const downstreamSchemas = {
  welcome: welcomeSchema,
  'heartbeat.ack': heartbeatAckSchema,
  'status.get': statusGetSchema,
  error: errorSchema,
  'task.assign': taskAssignSchema,
  'task.cancel': taskCancelSchema,
  'task.result.ack': taskResultAckSchema,
  'file.push': filePushSchema,
  'file.pull': filePullSchema,
  'file.read': fileReadSchema,
  'file.done': fileDoneSchema,
  'file.ack': fileAckSchema,
  'file.nack': fileNackSchema,
  'file.abort': fileAbortSchema,
  'file.tree': fileTreeSchema,
  'nodeapp.list': nodeAppListSchema,
  'log.get': logGetSchema,
  'tunnel.open': tunnelOpenSchema,
  'tunnel.ack': tunnelAckSchema,
  'tunnel.close': tunnelCloseSchema,
  'pakma.command': pakmaCommandSchema,
} as const;

export type SchemaMap = Record<string, z.ZodType>;
export type UpstreamKind = keyof typeof upstreamSchemas;
export type DownstreamKind = keyof typeof downstreamSchemas;
export type BodyOf<M extends SchemaMap, K extends keyof M> = z.infer<M[K]>;
export type UpstreamBody<K extends UpstreamKind> = z.infer<(typeof upstreamSchemas)[K]>;
export type DownstreamBody<K extends DownstreamKind> = z.infer<(typeof downstreamSchemas)[K]>;

export type Hello = z.infer<typeof helloSchema>;
export type NodeFacts = z.infer<typeof nodeFactsSchema>;
export type Welcome = z.infer<typeof welcomeSchema>;
export type Heartbeat = z.infer<typeof heartbeatSchema>;
export type HeartbeatAck = z.infer<typeof heartbeatAckSchema>;
export type NodeStatus = z.infer<typeof nodeStatusSchema>;
export type ProtocolErrorBody = z.infer<typeof errorSchema>;

export const nodeNameSchema = nodeName;
