export {
  OctopodClient,
  createClientFromConfig,
  type ClientOptions,
  type OctlConnectionConfig,
} from './client';
export { OctopodApiError } from './errors';
export type { HttpsTransportOptions } from './https-transport';
export { resolveBrainAddress, type NameServerAddress, type ResolveBrainOptions } from './name-server';
export type {
  ApiRequest,
  ApiTransport,
  BrainInfo,
  Node,
  NodeList,
  NodeStatus,
  ResolveNodesRequest,
  ResolveNodesResult,
} from './generated/api';
