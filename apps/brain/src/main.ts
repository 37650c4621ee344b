import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule, type BrainRoles } from './app.module';
import { BRAIN_VERSION } from './core/brain-version';
import { advertisedAddress, ConfigError, loadBrainConfig, type BrainConfig } from './core/config/brain-config';
import { splitDatabaseUrl } from './core/database/database-url';
import { defaultMigrationsDir, migrate, readMigrations } from './core/database/migrator';
import { createBrainLogger } from './core/logging/logger';
import { GatewayServer } from './modules/gateway/gateway.server';
import { LivenessService } from './modules/gateway/liveness.service';
import { MaintenanceScheduler } from './modules/maintenance/maintenance.scheduler';
import { RegistrationService } from './modules/nameserver/registration.service';
import { BrainInfoService } from './modules/nodes/brain-info.service';
import { WorkgroupService } from './modules/workgroup/workgroup.service';
import { buildOpenApiDocument, serveOpenApi } from './openapi';

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
  if (values.help) (console.log(USAGE), process.exit(0));
  if (values.version) (console.log(BRAIN_VERSION), process.exit(0));
  const role = values.role ?? 'all';
  if (!['all', 'api', 'worker'].includes(role)) throw new ConfigError([`--role must be all, api or worker (got "${role}")`]);
  return { config: values.config, roles: { api: role !== 'worker', worker: role !== 'api' } };
}

async function start(config: BrainConfig, roles: BrainRoles): Promise<void> {
  const logger = createBrainLogger(config.logger);
  const { connectionString, schema } = splitDatabaseUrl(config.database.url);
  const report = await migrate(connectionString, schema, readMigrations(defaultMigrationsDir()));
  if (report.applied.length) logger.info({ applied: report.applied }, 'database migrated');

  const { ssl } = config;
  const app = await NestFactory.create(AppModule.forRoot(config, roles, logger), {
    bufferLogs: true,
    httpsOptions: roles.api
      ? {
          ca: readFileSync(ssl.caCert),
          cert: readFileSync(ssl.serverCert),
          key: readFileSync(ssl.serverKey),
          // Verified per route: /api/v1 insists on a certificate, /api/v2 also takes bearer tokens.
          requestCert: true,
          rejectUnauthorized: false,
        }
      : undefined,
  });
  app.useLogger(app.get(PinoLogger));
  await app.get(WorkgroupService).ensureRootPassword();

  const ready: Record<string, unknown> = { version: BRAIN_VERSION, roles };
  if (roles.api) {
    serveOpenApi(app, buildOpenApiDocument(app));
    await app.listen(config.octlFace.port, config.octlFace.ip);
    const apiPort = (app.getHttpServer().address() as AddressInfo).port;
    app.get(BrainInfoService).setApiPort(apiPort);
    const gateway = await app.get(GatewayServer).listen();
    await app.get(LivenessService).start();
    const apiAddr = advertisedAddress(config.octlFace, apiPort);
    const gatewayAddr = advertisedAddress(config.tentacleFace, gateway.port);
    await app.get(RegistrationService).start(gatewayAddr, apiAddr);
    Object.assign(ready, { api: apiAddr, gateway: gatewayAddr });
  }
  if (roles.worker) await app.get(MaintenanceScheduler).start();
  logger.info(ready, 'ready');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    void app.close().then(
      () => logger.flush(() => process.exit(0)),
      (error: Error) => (logger.error({ error: error.message }, 'shutdown failed'), process.exit(1)),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function main(): Promise<void> {
  try {
    const { config: file, roles } = parseCommandLine(process.argv.slice(2));
    const config = loadBrainConfig(file, process.env);
    await start(config, roles);
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
