import { WebSocket } from 'ws';
import { OctopodApiError } from './errors';
import type { GeneratedApi } from './generated/api';
import type { HttpsTransport } from './https-transport';

/** A byte stream to a node's sshd: binary messages both ways; the close code says why it ended. */
export type SshTunnel = WebSocket;

/**
 * `POST /api/v2/nodes/{name}/ssh/tunnel`, then the WebSocket its one-time ticket opens: resolves once the brain
 * accepted it (the node's sshd may still refuse: then it closes with code 4000 + status and the reason). The
 * WebSocket comes paused: attach 'message' and 'close' listeners, then `resume()` it.
 */
export async function openSshTunnel(
  api: Pick<GeneratedApi, 'openSshTunnel'>,
  https: HttpsTransport,
  node: string,
): Promise<SshTunnel> {
  const { path } = await api.openSshTunnel(node);
  const ws = https.webSocket(path);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => {
      // The node's first bytes (sshd's banner) may come at once: hold them until the caller listens.
      ws.pause();
      resolve();
    });
    ws.once('error', (error) => reject(new OctopodApiError(0, 'connection_failed', error.message)));
    ws.once('unexpected-response', (request, response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        request.destroy();
        const status = response.statusCode ?? 0;
        reject(new OctopodApiError(status, `http_${status}`, text.trim() || `tunnel refused (${status})`));
      });
    });
  });
  return ws;
}
