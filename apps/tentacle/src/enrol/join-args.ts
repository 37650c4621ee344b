import { readFileSync } from 'node:fs';
import { parseAddress } from '../link/address';
import type { JoinOptions } from './join';
import { JoinError } from './join-error';

export const JOIN_USAGE = `usage: tentacle join --token <token> | --token-file <file>
         [--nameserver <host:port> [--nameserver-http-port <port>] [--brain <name>] | --brain-addr <ip:port>]
         [-c|--config <tentacle.yaml>] [--force] [--no-start]

Enrols this node with a join token ('octl node token create' on the brain's side): makes a key and a CSR here,
trusts the brain's CA only if its fingerprint is the one in the token, stores key, certificate and CA at the
config's ssl paths, then starts the tentacle (unless --no-start).
  --nameserver host:port   the name server's HTTPS address as in tentacle.yaml; the brain's API is looked up on its
                           plain-HTTP port (port + 1 unless --nameserver-http-port). Default: the config's
  --brain <name>           the brain's name in the name server (default: the config's brain.name)
  --brain-addr ip:port     the brain's API directly, without a name server
  --force                  replace a certificate this node already has (e.g. re-enrolling after a revocation)`;

export interface JoinCommand {
  config?: string;
  options: JoinOptions;
  start: boolean;
  help?: boolean;
}

function hostPort(flag: string, value: string) {
  const address = parseAddress(value);
  if (!address) throw new JoinError('usage', `${flag}: expected host:port, got "${value}"`);
  return address;
}

/** Parses `tentacle join …` (the words after `join`). Throws JoinError('usage') with a readable reason. */
export function parseJoinArgs(argv: string[], readFile: (path: string) => string = readUtf8): JoinCommand {
  let token: string | undefined;
  const command: JoinCommand = { options: { token: '' }, start: true };
  const { options } = command;
  let nsHttpPort: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg, undefined];
    const value = () => {
      const next = inline ?? argv[++i];
      if (next === undefined || next === '') throw new JoinError('usage', `${flag}: needs a value`);
      return next;
    };
    switch (flag) {
      case '--token':
        token = value();
        break;
      case '--token-file':
        token = readFile(value()).trim();
        break;
      case '--nameserver':
        options.nameServer = hostPort(flag, value());
        break;
      case '--nameserver-http-port': {
        const port = Number(value());
        if (!Number.isInteger(port) || port < 1 || port > 65535) {
          throw new JoinError('usage', `${flag}: expected a port number`);
        }
        nsHttpPort = port;
        break;
      }
      case '--brain':
        options.brainName = value();
        break;
      case '--brain-addr':
        options.brainAddr = hostPort(flag, value());
        break;
      case '-c':
      case '--config':
      case '-p':
        command.config = value();
        break;
      case '--force':
        options.force = true;
        break;
      case '--no-start':
        command.start = false;
        break;
      case '-h':
      case '--help':
        command.help = true;
        break;
      default:
        throw new JoinError('usage', `unknown argument "${arg}"`);
    }
  }
  if (command.help) return command;
  if (!token) throw new JoinError('usage', 'give the join token: --token <token> or --token-file <file>');
  if (options.brainAddr && options.nameServer) {
    throw new JoinError('usage', 'give either --brain-addr or --nameserver, not both');
  }
  if (nsHttpPort !== undefined) {
    if (!options.nameServer) throw new JoinError('usage', '--nameserver-http-port needs --nameserver');
    options.nameServer = { ...options.nameServer, httpPort: nsHttpPort };
  }
  options.token = token;
  return command;
}

function readUtf8(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new JoinError(
      'usage',
      `--token-file: cannot read ${path}: ${(error as NodeJS.ErrnoException).code}`,
    );
  }
}
