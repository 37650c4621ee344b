#!/usr/bin/env node
import { ConfigError } from '@octopod/config';
import { notifySystemdReady } from '@octopod/host';
import { Command } from 'commander';
import type { Logger } from 'pino';
import { ENV_VARS, loadConfig, type PakmaConfig } from './config';
import { createLogger } from './logger';
import { startPakma, type RunningPakma } from './server';
import { StateFileError } from './state/state-file';
import { pakmaVersion } from './version';

/** Exit code of a bad configuration (contract shared by every Octopod process). */
const EXIT_BAD_CONFIG = 2;
const SHUTDOWN_GRACE_MS = 5000;

function parseArgs(argv: string[]): { config?: string } {
  return new Command('pakma')
    .description('Octopod pakma: installs signed releases of one app, upgrades on trial, rolls back')
    .version(pakmaVersion())
    .option('-c, --config <file>', 'YAML configuration file (default ./pakma.yaml, /etc/octopod/pakma.yaml)')
    .addHelpText('after', `\nEnvironment overrides: ${ENV_VARS.join(', ')}`)
    .parse(argv)
    .opts<{ config?: string }>();
}

function failConfig(error: ConfigError | StateFileError): never {
  process.stderr.write(`${error.message}\n`);
  process.exit(EXIT_BAD_CONFIG);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv);
  let config: PakmaConfig;
  try {
    config = loadConfig(args.config, process.env);
  } catch (error) {
    if (error instanceof ConfigError) failConfig(error);
    throw error;
  }
  const logger = createLogger(config.logger, { app: config.app });
  let pakma: RunningPakma;
  try {
    pakma = await startPakma(config, { logger });
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StateFileError) failConfig(error);
    throw error;
  }
  logger.info({ version: pakmaVersion(), address: `${config.ip}:${pakma.port}`, root: config.root }, 'ready');
  // Type=notify unit: started once it listens. NOTIFY_SOCKET leaves the env, so the restart command cannot use it.
  void notifySystemdReady(process.env);
  handleSignals(pakma, logger);
}

function handleSignals(pakma: RunningPakma, logger: Logger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    pakma.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
}

main().catch((error: unknown) => {
  process.stderr.write(`pakma failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
