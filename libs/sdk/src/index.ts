export {
  OctopodClient,
  createClientFromConfig,
  type ClientOptions,
  type OctlConnectionConfig,
} from './client';
export { OctopodApiError } from './errors';
export type {
  HttpsTransportOptions,
  RawRequest,
  RawResponse,
  RawTransport,
  StreamOptions,
} from './https-transport';
export type { BlobRef, NodeFileContent, TransferOptions, UploadBlobOptions } from './files';
export { SseParser, type SseMessage } from './sse-parser';
export {
  ReplayFilter,
  type StreamTaskEventsOptions,
  type TaskEvent,
  type TaskOutputChunk,
  type TransferProgress,
} from './task-events';
export type { InvocationState, ListTasksQuery } from './tasks';
export { resolveBrainAddress, type NameServerAddress, type ResolveBrainOptions } from './name-server';
export { readTokenFile, removeTokenFile, writeTokenFile, type SavedToken } from './token-file';
export type {
  ApiRequest,
  ApiTransport,
  BrainInfo,
  Node,
  NodeList,
  NodeStatus,
  ResolveNodesRequest,
  ResolveNodesResult,
  CreateTaskRequest,
  Invocation,
  ScriptDto,
  Task,
  TaskCounts,
  TaskDetail,
  TaskList,
  TaskOptionsDto,
  ChangeWorkgroupMembersRequest,
  GrantWorkgroupRequest,
  Workgroup,
  WorkgroupChange,
  ApiToken,
  ApiTokenList,
  AuditList,
  AuditRecord,
  LoginRequest,
  LoginResult,
  CreateJoinTokenRequest,
  CreatedJoinToken,
  JoinToken,
  JoinTokenList,
  Revocation,
  FileEntry,
  FileTree,
  PullFileRequest,
  PushFileRequest,
} from './generated/api';
