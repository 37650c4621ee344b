// A fake brain over real HTTPS (client certificate OR an API token), serving the contract's /api/v2 JSON and
// the task event stream as server-sent events, from the in-memory fakes the unit tests use.
import { OctopodApiError } from '@octopod/sdk';
import type { TaskEvent } from '@octopod/sdk';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { FakeTaskBrain } from './commands/cmd/fake-tasks.helper-spec';
import type { FakeBrain } from './commands/node/fake-brain.helper-spec';

/** The one API token this fake brain accepts. */
export const API_TOKEN = `opt_${'T'.repeat(43)}`;

export interface ServedBrain {
  port: number;
  /** `METHOD url` of every request, in arrival order. */
  requests: string[];
}

export interface ServeOptions {
  tls: { ca: Buffer; cert: Buffer; key: Buffer };
  /** Called with a function that stops the server; the test file runs them after each test. */
  onClose(close: () => Promise<void>): void;
  /** Cut the first event stream of each task right after its replay (the client should reconnect once). */
  dropFirstStream?: boolean;
}

export function listen(server: Server | HttpServer, onClose: ServeOptions['onClose']): Promise<number> {
  onClose(
    () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  );
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

export function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) return void res.writeHead(status).end();
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const frame = (event: TaskEvent): string => {
  const data =
    event.type === 'invocation'
      ? event.invocation
      : event.type === 'output'
        ? event.output
        : event.type === 'progress'
          ? event.progress
          : event.task;
  return `event: ${event.type}\ndata: ${JSON.stringify(data)}\n\n`;
};

function streamEvents(brain: FakeTaskBrain, id: string, res: ServerResponse, drop: boolean): void {
  const replay = brain.events(id); // throws task_not_found before the head is sent
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const text = ': replay\n\n' + replay.map(frame).join('');
  // Cut only once the replay is on the wire, so the client has seen it and must not show it again.
  if (drop) return void res.write(text, () => res.socket?.destroy());
  res.write(text);
  if (replay.some((e) => e.type === 'done')) return void res.end();
  const unsubscribe = brain.subscribe(id, (event) => {
    res.write(frame(event));
    if (event.type === 'done') res.end();
  });
  res.on('close', unsubscribe);
  brain.streams.emit('open', id);
}

type Route = (
  req: IncomingMessage,
  url: URL,
  body: string,
  res: ServerResponse,
) => Promise<[number, unknown?] | 'sent'>;

function routes(fleet: FakeBrain, options: ServeOptions): Route {
  const dropped = new Set<string>();
  return async (req, url, body, res) => {
    const path = url.pathname;
    const param = (re: RegExp): string | undefined => {
      const m = re.exec(path);
      return m ? decodeURIComponent(m[1]) : undefined;
    };
    const get = req.method === 'GET';
    const post = req.method === 'POST';
    if (get && path === '/api/v2/nodes') {
      return [200, await fleet.listNodes({ state: (url.searchParams.get('state') ?? undefined) as never })];
    }
    if (post && path === '/api/v2/nodes/resolve') return [200, await fleet.resolveNodes(JSON.parse(body))];
    const status = param(/^\/api\/v2\/nodes\/([^/]+)\/status$/);
    if (get && status) return [200, await fleet.getNodeStatus(status)];
    const node = param(/^\/api\/v2\/nodes\/([^/]+)$/);
    if (req.method === 'DELETE' && node) return [204, await fleet.pruneNode(node)];
    if (fleet instanceof FakeTaskBrain) {
      if (post && path === '/api/v2/tasks') return [201, await fleet.createTask(JSON.parse(body))];
      if (get && path === '/api/v2/tasks') {
        return [200, await fleet.listTasks(Object.fromEntries(url.searchParams) as never)];
      }
      const events = param(/^\/api\/v2\/tasks\/([^/]+)\/events$/);
      if (get && events) {
        const drop = options.dropFirstStream === true && !dropped.has(events);
        dropped.add(events);
        streamEvents(fleet, events, res, drop);
        return 'sent';
      }
      const cancel = param(/^\/api\/v2\/tasks\/([^/]+)\/cancel$/);
      if (post && cancel) return [200, await fleet.cancelTask(cancel)];
      const task = param(/^\/api\/v2\/tasks\/([^/]+)$/);
      if (get && task) return [200, await fleet.getTask(task)];
    }
    return [404, { statusCode: 404, code: 'not_found', message: `no route ${req.method} ${path}` }];
  };
}

/** Serves `fleet` (and its tasks, for a FakeTaskBrain) until the test's closers run. */
export async function serveBrain(fleet: FakeBrain, options: ServeOptions): Promise<ServedBrain> {
  const requests: string[] = [];
  const route = routes(fleet, options);
  const server = createServer({ ...options.tls, requestCert: true, rejectUnauthorized: false });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url}`);
      const certified = (req.socket as TLSSocket).authorized;
      if (!certified && req.headers.authorization !== `Bearer ${API_TOKEN}`) {
        return send(res, 401, {
          statusCode: 401,
          code: 'unauthorized',
          message: 'client certificate or API token required',
        });
      }
      const url = new URL(req.url ?? '/', 'https://brain');
      route(req, url, Buffer.concat(chunks).toString('utf8'), res).then(
        (answer) => {
          if (answer !== 'sent') send(res, answer[0], answer[1]);
        },
        (error: unknown) =>
          error instanceof OctopodApiError
            ? send(res, error.status, { statusCode: error.status, code: error.code, message: error.message })
            : send(res, 500, { statusCode: 500, code: 'internal', message: String(error) }),
      );
    });
  });
  return { port: await listen(server, options.onClose), requests };
}
