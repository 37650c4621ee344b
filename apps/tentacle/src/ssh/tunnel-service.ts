import { connect, type Socket } from 'node:net';
import type { ProtocolErrorBody, TunnelOpen, TunnelTable } from '@octopod/protocol';
import type { Logger } from 'pino';
import type { SshTarget } from './ssh-address';

/** Stable codes of an `error` reply to `tunnel.open`. */
export type TunnelErrorCode = 'not_found' | 'busy' | 'unreachable';

export type TunnelReply =
  | { kind: 'tunnel.opened'; body: { tunnelId: string } }
  | { kind: 'error'; body: ProtocolErrorBody & { code: TunnelErrorCode } };

/** What the `tunnel.open` handler calls: connects a tunnel to a local service, or says why not. */
export interface TunnelService {
  open(body: TunnelOpen, table: TunnelTable): Promise<TunnelReply>;
}

const CONNECT_TIMEOUT_MS = 10_000;

const tunnelError = (code: TunnelErrorCode, message: string): TunnelReply => ({
  kind: 'error',
  body: { code, message },
});

/** For a tentacle without an ssh target (`ssh.address` empty) and for tests of the link alone. */
export const noTunnels: TunnelService = {
  open: async () => tunnelError('not_found', 'this node offers no ssh tunnel (ssh.address is empty)'),
};

function connectTo(target: SshTarget): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.host, port: target.port, noDelay: true });
    socket.setTimeout(CONNECT_TIMEOUT_MS, () =>
      socket.destroy(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)),
    );
    socket.once('connect', () => {
      socket.setTimeout(0);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/**
 * Tunnels to this node's sshd (Octopoda's Fast SSH): at most `maxTunnels` at once per link, as Octopoda's 20
 * concurrent connections per node.
 */
export function sshTunnels(target: SshTarget | undefined, maxTunnels: number, logger: Logger): TunnelService {
  if (!target) return noTunnels;
  const where = `${target.host}:${target.port}`;
  /** Tunnels still connecting: they count against the limit too, or a burst of opens would pass it. */
  let connecting = 0;
  return {
    open: async ({ tunnelId }, table) => {
      if (table.size + connecting >= maxTunnels)
        return tunnelError('busy', `${maxTunnels} ssh tunnels are open on this node already`);
      let socket: Socket;
      connecting += 1;
      try {
        socket = await connectTo(target);
      } catch (error) {
        return tunnelError('unreachable', `cannot reach sshd at ${where}: ${(error as Error).message}`);
      } finally {
        connecting -= 1;
      }
      socket.setKeepAlive(true, 60_000);
      logger.info({ tunnelId, to: where }, 'ssh tunnel opened');
      table.open(tunnelId, socket, {
        onEnd: (reason) => logger.info({ tunnelId, ...(reason ? { reason } : {}) }, 'ssh tunnel closed'),
      });
      return { kind: 'tunnel.opened', body: { tunnelId } };
    },
  };
}
