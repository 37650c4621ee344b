import 'reflect-metadata';
import { ConfigError } from '@octopod/config';
import { notifySystemdReady } from '@octopod/host';
import { parseArgs } from 'node:util';
import type { BrainRoles } from './app.module';
import { startBrain } from './bootstrap';
import { BRAIN_VERSION } from './core/brain-version';
import { loadBrainConfig } from './core/config/brain-config';
import { createBrainLogger } from './core/logging/logger';
const USAGE = `usage: brain [-c brain.yaml] [--role all|api|worker]

  -c, --config <file>   configuration (Octopoda brain.yaml fields); env overrides: DATABASE_URL, REDIS_URL,
                        BRAIN_ROOT_PASSWORD, BRAIN_API_PORT, BRAIN_GATEWAY_PORT, ...
      --role <role>     all (default): API, tentacle gateway and queue workers in one process
  -v, --version         print the version`;

function parseCommandLine(argv: string[]): { config?: string; roles: BrainRoles } {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', short: 'c' },
      role: { type: 'string', default: 'all' },
      version: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || values.version) {
    console.log(values.help ? USAGE : BRAIN_VERSION);
    process.exit(0);
  }
  const role = values.role ?? 'all';
  if (!['all', 'api', 'worker'].includes(role))
    throw new ConfigError('brain', [`--role must be all, api or worker (got "${role}")`]);
  return { config: values.config, roles: { api: role !== 'worker', worker: role !== 'api' } };
}

async function main(): Promise<void> {
  try {
    const { config: file, roles } = parseCommandLine(process.argv.slice(2));
    const config = loadBrainConfig(file, process.env);
    const logger = createBrainLogger(config.logger);
    const brain = await startBrain(config, roles, logger);
    void notifySystemdReady(process.env);
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      setTimeout(() => process.exit(1), 10_000).unref();
      void brain.close().then(
        () => logger.flush(() => process.exit(0)),
        (error: Error) => {
          logger.error({ error: error.message }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`brain: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`brain: failed to start: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  }
}

void main();
