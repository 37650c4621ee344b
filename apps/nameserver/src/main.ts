#!/usr/bin/env node
import { Command } from 'commander';
import type { Logger } from 'pino';
import { ConfigError } from '@octopod/config';
import { notifySystemdReady } from '@octopod/host';
import { ENV_VARS, loadConfig, type NameServerConfig } from './config';
import { createLogger } from './logger';
import { startNameServer, type RunningNameServer } from './server';

const VERSION = '0.1.0';
/** Exit code of a bad configuration (contract shared by every Octopod process). */
const EXIT_BAD_CONFIG = 2;
const SHUTDOWN_GRACE_MS = 5000;

function parseArgs(argv: string[]): { config?: string } {
  return new Command('nameserver')
    .description('Octopod name server (Octopoda httpns compatible)')
    .version(VERSION)
    .option('-c, --config <file>', 'YAML configuration file')
    .addHelpText('after', `\nEnvironment overrides: ${ENV_VARS.join(', ')}`)
    .parse(argv)
    .opts<{ config?: string }>();
}

function failConfig(error: ConfigError): never {
  process.stderr.write(`${error.message}\n`);
  process.exit(EXIT_BAD_CONFIG);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv);
  let config: NameServerConfig;
  try {
    config = loadConfig(args.config, process.env);
  } catch (error) {
    if (error instanceof ConfigError) failConfig(error);
    throw error;
  }
  const logger = createLogger(config.logger);
  let server: RunningNameServer;
  try {
    server = await startNameServer(config, { logger });
  } catch (error) {
    if (error instanceof ConfigError) failConfig(error);
    throw error;
  }
  logger.info({ address: server.address, httpsPort: server.httpsPort, httpPort: server.httpPort }, 'ready');
  handleSignals(server, logger);
  void notifySystemdReady(process.env);
}

function handleSignals(server: RunningNameServer, logger: Logger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    server.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
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
  process.stderr.write(
    `nameserver failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
