import { ConfigError } from '@octopod/config';
import { notifySystemdReady } from '@octopod/host';
import { loadConfig, type TentacleConfig } from './config';
import { join } from './enrol/join';
import { JOIN_USAGE, parseJoinArgs } from './enrol/join-args';
import { JoinError } from './enrol/join-error';
import { recordLinkStatus } from './link/link-status-file';
import { createLogger } from './logging';
import { startTentacle } from './tentacle';
import { tentacleVersion } from './version';

const USAGE = `usage: tentacle [-c|--config <tentacle.yaml>] [--version] [--help]
       tentacle join --token <token> [...]   (enrol this node; tentacle join --help)`;

/** Exit code for a failed enrolment. */
const EXIT_JOIN_FAILED = 1;
/** Exit code for a bad command line or configuration. */
const EXIT_CONFIG = 2;
/**
 * Exit code when the brain revoked this node: restarting cannot help, so the systemd unit does not restart on it
 * (`RestartPreventExitStatus=3`); `tentacle join` with a new token brings the node back.
 */
const EXIT_REVOKED = 3;
/** If closing the link takes longer than this, exit anyway. */
const SHUTDOWN_LIMIT_MS = 5000;

function parseArgs(argv: string[]): { config?: string; help?: boolean; version?: boolean } {
  const result: { config?: string; help?: boolean; version?: boolean } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-c' || arg === '--config' || arg === '-p') {
      const value = argv[++i];
      if (!value) throw new ConfigError('tentacle', [`${arg}: needs a file path`]);
      result.config = value;
    } else if (arg.startsWith('--config=')) {
      result.config = arg.slice('--config='.length);
    } else if (arg === '-h' || arg === '--help') {
      result.help = true;
    } else if (arg === '-v' || arg === '--version') {
      result.version = true;
    } else {
      throw new ConfigError('tentacle', [`unknown argument "${arg}"`]);
    }
  }
  return result;
}

function configOrExit(path: string | undefined, usage: string): TentacleConfig {
  try {
    return loadConfig(path, process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const issue of error.issues) process.stderr.write(`tentacle: config: ${issue}\n`);
    process.stderr.write(`${usage}\n`);
    process.exit(EXIT_CONFIG);
  }
}

/** Runs the agent until a signal (exit 0) or a revocation (exit 3). */
function run(config: TentacleConfig): void {
  const { logger } = createLogger(config.logger, { name: config.name });
  let tentacle: ReturnType<typeof startTentacle>;
  try {
    tentacle = startTentacle(config, { logger });
  } catch (error) {
    logger.fatal({ err: (error as Error).message }, 'cannot start');
    process.exit(EXIT_CONFIG);
  }
  logger.info({ version: tentacleVersion(), name: config.name }, 'tentacle starting');
  // Ready once started, not once linked: a node behind NAT may stay offline for a long time.
  void notifySystemdReady(process.env);
  // pakma confirms an upgrade only once the new version's link is up and stays up: it reads this file.
  recordLinkStatus(tentacle.events, {
    stateDir: config.state.dir,
    node: config.name,
    version: tentacleVersion(),
    logger,
  });

  let shuttingDown = false;
  const shutdown = (why: string, exitCode: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ why }, 'shutting down');
    const limit = setTimeout(() => {
      logger.warn('link did not close in time; exiting anyway');
      process.exit(exitCode);
    }, SHUTDOWN_LIMIT_MS);
    limit.unref();
    void tentacle.stop().finally(() => {
      logger.info('stopped');
      process.exit(exitCode);
    });
  };
  process.on('SIGTERM', (signal) => shutdown(signal, 0));
  process.on('SIGINT', (signal) => shutdown(signal, 0));
  // The link already logged why and what to do.
  tentacle.events.once('revoked', () => shutdown('revoked by the brain', EXIT_REVOKED));
}

async function joinThenRun(argv: string[]): Promise<void> {
  let command: ReturnType<typeof parseJoinArgs>;
  try {
    command = parseJoinArgs(argv);
  } catch (error) {
    if (!(error instanceof JoinError)) throw error;
    process.stderr.write(`tentacle join: ${error.message}\n${JOIN_USAGE}\n`);
    process.exit(EXIT_CONFIG);
  }
  if (command.help) return void process.stdout.write(`${JOIN_USAGE}\n`);
  const config = configOrExit(command.config, JOIN_USAGE);
  try {
    const result = await join(config, command.options);
    process.stdout.write(
      `tentacle join: enrolled as ${result.name} with the brain at ${result.apiAddress} ` +
        `(certificate serial ${result.serial}, valid until ${result.expiresAt.slice(0, 10)})\n` +
        `tentacle join: wrote ${result.files.key} (0600), ${result.files.cert}, ${result.files.ca}\n`,
    );
  } catch (error) {
    if (!(error instanceof JoinError)) throw error;
    process.stderr.write(`tentacle join: ${error.message}\n`);
    process.exit(EXIT_JOIN_FAILED);
  }
  if (command.start) run(config);
}

function main(): void {
  const argv = process.argv.slice(2);
  if (argv[0] === 'join') return void joinThenRun(argv.slice(1));
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const issue of error.issues) process.stderr.write(`tentacle: config: ${issue}\n`);
    process.stderr.write(`${USAGE}\n`);
    process.exit(EXIT_CONFIG);
  }
  if (args.help) return void process.stdout.write(`${USAGE}\n`);
  if (args.version) return void process.stdout.write(`${tentacleVersion()}\n`);
  run(configOrExit(args.config, USAGE));
}

main();
