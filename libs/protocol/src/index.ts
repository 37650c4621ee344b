export {
  CloseCode,
  DEFAULT_MAX_PAYLOAD_BYTES,
  PROTOCOL_VERSION,
  envelopeSchema,
  type Envelope,
} from './envelope';
export {
  downstreamSchemas,
  errorSchema,
  heartbeatAckSchema,
  heartbeatSchema,
  helloSchema,
  nodeFactsSchema,
  nodeNameSchema,
  nodeStatusSchema,
  statusGetSchema,
  upstreamSchemas,
  welcomeSchema,
  type BodyOf,
  type DownstreamBody,
  type DownstreamKind,
  type Heartbeat,
  type HeartbeatAck,
  type Hello,
  type NodeFacts,
  type NodeStatus,
  type ProtocolErrorBody,
  type SchemaMap,
  type UpstreamBody,
  type UpstreamKind,
  type Welcome,
} from './messages';
export { ProtocolError, decode, encode } from './codec';
export { Peer, type FrameSocket, type Handler, type HandlerMap, type PeerOptions, type Reply } from './peer';
export { ClockEstimator, clockSample, type ClockEstimate, type ClockSample } from './clock';
export { backoffDelayMs } from './backoff';
export {
  invocationEndStates,
  taskAcceptedSchema,
  taskAssignSchema,
  taskCancelOkSchema,
  taskCancelSchema,
  taskOutputSchema,
  taskResultAckSchema,
  taskResultSchema,
  taskStartedSchema,
  type InvocationEndState,
  type TaskAccepted,
  type TaskAssign,
  type TaskOutput,
  type TaskResult,
  type TaskStarted,
} from './tasks';
