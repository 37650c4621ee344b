import { ConfigError } from '@octopod/config';
import { loadConfig } from './config';
import { createLogger } from './logging';
import { startTentacle } from './tentacle';
import { tentacleVersion } from './version';

const USAGE = `usage: tentacle [-c|--config <tentacle.yaml>] [--version] [--help]`;

/** Exit code for a bad command line or configuration. */
const EXIT_CONFIG = 2;
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

function main(): void {
  let args: ReturnType<typeof parseArgs>;
  let config: ReturnType<typeof loadConfig>;
  try {
    args = parseArgs(process.argv.slice(2));
    if (args.help) return void process.stdout.write(`${USAGE}\n`);
    if (args.version) return void process.stdout.write(`${tentacleVersion()}\n`);
    config = loadConfig(args.config, process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const issue of error.issues) process.stderr.write(`tentacle: config: ${issue}\n`);
    process.stderr.write(`${USAGE}\n`);
    process.exit(EXIT_CONFIG);
  }

  const { logger, flush } = createLogger(config.logger, { name: config.name });
  let tentacle: ReturnType<typeof startTentacle>;
  try {
    tentacle = startTentacle(config, { logger });
  } catch (error) {
    logger.fatal({ err: (error as Error).message }, 'cannot start');
    flush();
    process.exit(EXIT_CONFIG);
  }
  logger.info({ version: tentacleVersion(), name: config.name }, 'tentacle starting');

  let shuttingDown = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    const limit = setTimeout(() => {
      logger.warn('link did not close in time; exiting anyway');
      flush();
      process.exit(0);
    }, SHUTDOWN_LIMIT_MS);
    limit.unref();
    void tentacle.stop().finally(() => {
      logger.info('stopped');
      flush();
      process.exit(0);
    });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main();
