import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { makeTempDir } from './temp';

export interface GitHttpServerOptions {
  /** Where the bare repositories live, as `<owner>/<name>.git`. Default: a temporary directory `close()` removes. */
  root?: string;
  /** user → password. When given, every request needs HTTP basic auth as one of them (else 401). */
  users?: Record<string, string>;
}

export interface GitRepo {
  /** `<server url>/<owner>/<name>.git`, for `git clone` and `git push`. */
  url: string;
  /** The bare repository on disk. */
  path: string;
}

/**
 * A smart-HTTP git server like gogs' for tests: `git http-backend` behind basic auth. Like gogs, it does not create
 * repositories on push: create them with `createRepo` first (a push to a missing one gets 404).
 */
export interface GitHttpServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  root: string;
  /** An empty bare repository `<root>/<owner>/<name>.git` (default branch main) that accepts pushes. */
  createRepo(owner: string, name: string): Promise<GitRepo>;
  /** Stops listening, ends open connections and running backends, removes a temporary root. */
  close(): Promise<void>;
}

/** Status and headers of a CGI response (RFC 3875 §6.3). */
export interface CgiHead {
  status: number;
  headers: [name: string, value: string][];
}

/** Where the CGI header block ends: its text and the offset of the body, or undefined while incomplete. */
export function splitCgiHead(output: Buffer): { head: string; bodyStart: number } | undefined {
  const lf = output.indexOf('\n\n');
  const crlf = output.indexOf('\r\n\r\n');
  if (lf === -1 && crlf === -1) return undefined;
  const [end, separator] = crlf !== -1 && (lf === -1 || crlf < lf) ? [crlf, 4] : [lf, 2];
  return { head: output.subarray(0, end).toString('latin1'), bodyStart: end + separator };
}

/** `Status: 404 Not Found` sets the status (a lone `Location:` means 302); other lines are response headers. */
export function parseCgiHead(head: string): CgiHead {
  let status: number | undefined;
  const headers: [string, string][] = [];
  for (const line of head.split(/\r?\n/)) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`bad CGI header line: ${JSON.stringify(line)}`);
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() !== 'status') {
      headers.push([name, value]);
      continue;
    }
    const code = /^(\d{3})(?:\s|$)/.exec(value);
    if (!code) throw new Error(`bad CGI status: ${JSON.stringify(value)}`);
    status = Number(code[1]);
  }
  const redirect = headers.some(([name]) => name.toLowerCase() === 'location');
  return { status: status ?? (redirect ? 302 : 200), headers };
}

/** The user whose basic credentials are right, null when they are missing or wrong. */
function authenticate(header: string | undefined, users: Record<string, string>): string | null {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return null;
  const user = decoded.slice(0, colon);
  if (!Object.hasOwn(users, user)) return null;
  const given = Buffer.from(decoded.slice(colon + 1));
  const expected = Buffer.from(users[user]);
  return given.length === expected.length && timingSafeEqual(given, expected) ? user : null;
}

/** The CGI environment of one request; git's own user and system config stay out. */
function cgiEnv(req: IncomingMessage, root: string, user: string | null): NodeJS.ProcessEnv {
  const url = new URL(req.url ?? '/', 'http://git');
  const header = (name: string): string | undefined => {
    const value = req.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
  const optional = {
    CONTENT_TYPE: header('content-type'),
    CONTENT_LENGTH: header('content-length'),
    HTTP_CONTENT_ENCODING: header('content-encoding'),
    GIT_PROTOCOL: header('git-protocol'),
    HTTP_GIT_PROTOCOL: header('git-protocol'),
    REMOTE_USER: user ?? undefined,
  };
  return {
    PATH: process.env.PATH,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
  };
}

/**
 * Runs `git http-backend` for one request: the request body streams into its stdin, its CGI head becomes the
 * status line and headers, the rest of its stdout streams back.
 */
function runBackend(
  req: IncomingMessage,
  res: ServerResponse,
  env: NodeJS.ProcessEnv,
  running: Set<ChildProcess>,
): void {
  const backend = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(backend);
  let stderr = '';
  /** stdout until the head is complete. */
  let head: Buffer = Buffer.alloc(0);
  let state: 'head' | 'body' | 'failed' = 'head';
  const fail = (status: number, message: string): void => {
    if (state === 'failed') return;
    state = 'failed';
    if (!res.headersSent) res.writeHead(status, { 'Content-Type': 'text/plain' }).end(`${message}\n`);
    else res.destroy();
  };
  const relay = (chunk: Buffer): void => {
    if (res.write(chunk)) return;
    backend.stdout!.pause(); // a slow client: let git wait rather than buffer a whole pack here
    res.once('drain', () => backend.stdout!.resume());
  };
  backend.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  backend.stdout!.on('data', (chunk: Buffer) => {
    if (state === 'body') return relay(chunk);
    if (state === 'failed') return;
    head = Buffer.concat([head, chunk]);
    const split = splitCgiHead(head);
    if (!split) return;
    try {
      const { status, headers } = parseCgiHead(split.head);
      res.writeHead(status, headers.flat());
    } catch (error) {
      backend.kill();
      return fail(502, (error as Error).message);
    }
    state = 'body';
    relay(head.subarray(split.bodyStart));
  });
  backend.stdout!.on('end', () => void (state === 'body' && res.end()));
  backend.on('error', (error) => fail(500, `cannot run git http-backend: ${error.message}`));
  backend.on('close', (code, signal) => {
    running.delete(backend);
    if (state === 'head')
      fail(502, `git http-backend gave no response (${code ?? signal}): ${stderr.trim()}`);
  });
  // A client that goes away mid-request must not leave the backend waiting on stdin.
  backend.stdin!.on('error', () => undefined);
  res.on('close', () => {
    if (!res.writableFinished && backend.exitCode === null && backend.signalCode === null) backend.kill();
  });
  req.pipe(backend.stdin!);
}

function handler(root: string, users: Record<string, string> | undefined, running: Set<ChildProcess>) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const user = users ? authenticate(req.headers.authorization, users) : null;
    if (users && user === null) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"', 'Content-Type': 'text/plain' });
      res.end('Unauthorized\n');
      return;
    }
    let env: NodeJS.ProcessEnv;
    try {
      env = cgiEnv(req, root, user);
    } catch {
      res.writeHead(400).end('bad request path\n'); // a % escape that does not decode
      return;
    }
    runBackend(req, res, env, running);
  };
}

function git(args: readonly string[]): Promise<void> {
  const env = { PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
  return new Promise((resolve, reject) => {
    execFile('git', args, { env }, (error, _stdout, stderr) =>
      error ? reject(new Error(`git ${args.join(' ')}: ${stderr.trim() || error.message}`)) : resolve(),
    );
  });
}

const PLAIN_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/** Starts the server on 127.0.0.1 at a port the OS picks. */
export async function startGitHttpServer(options: GitHttpServerOptions = {}): Promise<GitHttpServer> {
  const temp = options.root === undefined ? makeTempDir('octopod-git-') : undefined;
  const root = options.root ?? temp!.path;
  mkdirSync(root, { recursive: true });
  const running = new Set<ChildProcess>();
  const server = createServer(handler(root, options.users, running));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => {
      temp?.remove();
      reject(error);
    });
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const createRepo = async (owner: string, name: string): Promise<GitRepo> => {
    for (const part of [owner, name]) {
      if (!PLAIN_NAME.test(part)) throw new Error(`createRepo: "${part}" is not a plain name`);
    }
    const path = join(root, owner, `${name}.git`);
    await git(['init', '--quiet', '--bare', '--initial-branch=main', path]);
    await git(['-C', path, 'config', 'http.receivepack', 'true']);
    return { url: `${url}/${owner}/${name}.git`, path };
  };

  const close = async (): Promise<void> => {
    for (const backend of running) backend.kill();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
    temp?.remove();
  };

  return { url, root, createRepo, close };
}
