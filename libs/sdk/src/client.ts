import { readFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { GeneratedApi, type TaskDetail } from './generated/api';
import { OctopodApiError } from './errors';
import {
  downloadBlob,
  nodeFileContent,
  uploadBlob,
  type BlobRef,
  type NodeFileContent,
  type TransferOptions,
  type UploadBlobOptions,
} from './files';
import { HttpsTransport, type HttpsTransportOptions } from './https-transport';
import { resolveBrainAddress } from './name-server';
import { readTokenFile } from './token-file';
import { openSshTunnel, type SshTunnel } from './ssh-tunnel';
import { streamTaskEvents, type StreamTaskEventsOptions, type TaskEvent } from './task-events';

/** The typed `/api/v2` client: every generated operation, over one keep-alive HTTPS connection pool. */
export class OctopodClient extends GeneratedApi {
  private readonly https: HttpsTransport;

  constructor(options: HttpsTransportOptions) {
    const transport = new HttpsTransport(options);
    super(transport);
    this.https = transport;
  }

  /** `"ip:port"` of the brain this client talks to. */
  get address(): string {
    return this.https.address;
  }

  /**
   * Follows `GET /api/v2/tasks/{id}/events` (server-sent events): `onEvent` gets every invocation change and
   * output chunk; resolves with the final task once `done` arrives. Reconnects once if the connection drops.
   */
  streamTaskEvents(
    taskId: string,
    onEvent: (event: TaskEvent) => void,
    options: StreamTaskEventsOptions = {},
  ): Promise<TaskDetail> {
    return streamTaskEvents(this.https, taskId, onEvent, options);
  }

  /** A WebSocket relayed to the node's sshd (what `octl ssh proxy` pipes to ssh). */
  sshTunnel(node: string): Promise<SshTunnel> {
    return openSshTunnel(this, this.https, node);
  }

  /**
   * `PUT /api/v2/files/blobs`: streams `size` bytes of `source` into the brain's blob store (for `pushFile`);
   * resolves with their sha256.
   */
  uploadBlob(source: Readable, size: number, options: UploadBlobOptions = {}): Promise<BlobRef> {
    return uploadBlob(this.https, source, size, options);
  }

  /** `GET /api/v2/files/blobs/{sha256}`: writes the blob into `into` (ended when done), checking its sha256. */
  downloadBlob(sha256: string, into: Writable, options: TransferOptions = {}): Promise<BlobRef> {
    return downloadBlob(this.https, sha256, into, options);
  }

  /** `GET /api/v2/nodes/{name}/files/content`: a file, or a tar of a directory, from a node or `brain`, as a stream. */
  nodeFileContent(
    node: string,
    path: string,
    options: Pick<TransferOptions, 'signal'> = {},
  ): Promise<NodeFileContent> {
    return nodeFileContent(this.https, node, path, options);
  }

  /** Releases idle connections; the client must not be used afterwards. */
  close(): void {
    this.https.close();
  }
}

/** The connection part of octl.yaml (Octopoda field names); paths are used as given. */
export interface OctlConnectionConfig {
  httpsNameServer?: { enable: boolean; host: string; port: number; httpPort?: number };
  brain: { name: string; ip: string; port: number };
  ssl: { caCert: string; clientCert?: string; clientKey?: string };
  /** Without a client certificate, the API token in `tokenFile` (written by `octl login`) is sent as a bearer. */
  auth?: { tokenFile?: string };
}

export interface ClientOptions {
  timeoutMs?: number;
  nameServerTimeoutMs?: number;
  /** The caller's current workgroup (absolute path, at or under its root group), sent as `x-workgroup-path`. */
  workgroupPath?: string;
  /** No credentials needed (logging in): neither a certificate nor a token is required. */
  anonymous?: boolean;
}

async function readPem(field: string, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new OctopodApiError(0, 'bad_config', `cannot read ${field} ${path} (${reason})`, { cause: error });
  }
}

/** The saved API token, when no client certificate is configured (a certificate wins). */
async function bearerOf(config: OctlConnectionConfig, options: ClientOptions): Promise<string | undefined> {
  const tokenFile = config.auth?.tokenFile;
  if (config.ssl.clientCert || options.anonymous || !tokenFile) return undefined;
  const saved = await readTokenFile(tokenFile);
  if (!saved) {
    throw new OctopodApiError(
      0,
      'bad_config',
      `no credentials: not logged in (no token in ${tokenFile}); run \`octl login\`, or set ssl.clientCert/ssl.clientKey`,
    );
  }
  return saved.token;
}

/** The header that narrows a caller to its current workgroup; the root is sent as "/". */
function workgroupHeader(path: string): Record<string, string> {
  return { 'x-workgroup-path': path || '/' };
}

/** Finds the brain (through the name server when enabled), loads the TLS identity and returns a ready client. */
export async function createClientFromConfig(
  config: OctlConnectionConfig,
  options: ClientOptions = {},
): Promise<OctopodClient> {
  const { clientCert, clientKey } = config.ssl;
  if (Boolean(clientCert) !== Boolean(clientKey)) {
    throw new OctopodApiError(0, 'bad_config', 'ssl.clientCert and ssl.clientKey must be given together');
  }
  const bearer = await bearerOf(config, options);
  if (!clientCert && !bearer && !options.anonymous) {
    throw new OctopodApiError(
      0,
      'bad_config',
      'no credentials: set ssl.clientCert/ssl.clientKey, or auth.tokenFile and run `octl login`',
    );
  }
  const [ca, cert, key] = await Promise.all([
    readPem('ssl.caCert', config.ssl.caCert),
    clientCert ? readPem('ssl.clientCert', clientCert) : undefined,
    clientKey ? readPem('ssl.clientKey', clientKey) : undefined,
  ]);
  const ns = config.httpsNameServer;
  const address = ns?.enable
    ? await resolveBrainAddress({
        nameServer: { host: ns.host, httpPort: ns.httpPort ?? ns.port + 1 },
        brainName: config.brain.name,
        timeoutMs: options.nameServerTimeoutMs,
      })
    : `${config.brain.ip}:${config.brain.port}`;
  const headers = options.workgroupPath === undefined ? undefined : workgroupHeader(options.workgroupPath);
  return new OctopodClient({ address, ca, cert, key, bearer, headers, timeoutMs: options.timeoutMs });
}
