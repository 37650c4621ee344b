import type { Command } from 'commander';
import type { CliContext, SshHost } from '../../context';
import { OctlError } from '../../errors';
import { sshApiOf, type SshApi } from './ssh-api';

/** Bytes queued towards the brain above which stdin is no longer read (ssh waits meanwhile). */
const HIGH_WATER_BYTES = 1024 * 1024;

/**
 * Pipes stdin and stdout to the node's sshd through the brain (what ssh's ProxyCommand runs). Resolves when
 * either side ends normally; rejects with the brain's reason when the tunnel is refused or breaks.
 */
export async function sshProxy(api: SshApi, node: string, host: SshHost): Promise<void> {
  const { stdin, stdout } = host;
  if (!stdin || !stdout) throw new OctlError('ssh proxy needs stdin and stdout');
  const ws = await api.sshTunnel(node);
  return new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      ws.send(chunk, { binary: true }, () => {
        if (ws.bufferedAmount < HIGH_WATER_BYTES) stdin.resume();
      });
      if (ws.bufferedAmount >= HIGH_WATER_BYTES) stdin.pause();
    };
    const onEnd = () => ws.close(1000, 'client done');
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    ws.on('message', (data: Buffer) => {
      if (!stdout.write(data)) {
        ws.pause();
        stdout.once('drain', () => ws.resume());
      }
    });
    ws.once('close', (code, reason) => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.pause();
      if (code === 1000 || code === 1005) return resolve();
      const why = reason.toString() || `closed with code ${code}`;
      reject(new OctlError(`ssh tunnel to ${node}: ${why}`));
    });
    ws.on('error', (error) => reject(new OctlError(`ssh tunnel to ${node}: ${error.message}`)));
    ws.resume();
  });
}

export function registerSshProxy(ssh: Command, ctx: CliContext): void {
  ssh
    .command('proxy')
    .description("relay stdin/stdout to a node's sshd through the brain (an ssh ProxyCommand)")
    .argument('<node>', 'a node name')
    .addHelpText(
      'after',
      `
For your own ssh, scp, rsync or sftp:
  ssh -o ProxyCommand='octl ssh proxy %h' pi@pi-1
  scp -o ProxyCommand='octl ssh proxy %h' file pi@pi-1:
or in ~/.ssh/config:
  Host pi-*
    ProxyCommand octl ssh proxy %h`,
    )
    .action(async (node: string) => sshProxy(await sshApiOf(ctx), node, ctx.sshHost()));
}
