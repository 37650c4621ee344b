import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Logger as PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { AppModule, type BrainRoles } from './app.module';
import { BRAIN_VERSION } from './core/brain-version';
import { advertisedAddress, type BrainConfig } from './core/config/brain-config';
import { splitDatabaseUrl } from './core/database/database-url';
import { defaultMigrationsDir, migrate, readMigrations } from './core/database/migrator';
import { GatewayServer } from './modules/gateway/gateway.server';
import { MaintenanceScheduler } from './modules/maintenance/maintenance.scheduler';
import { RegistrationService } from './modules/nameserver/registration.service';
import { BrainInfoService } from './modules/nodes/brain-info.service';
import { ProxyliteFace } from './modules/ssh/proxylite-face';
import { SshService } from './modules/ssh/ssh.service';
import { TunnelUpgrade } from './modules/ssh/tunnel-upgrade';
import { WorkgroupService } from './modules/workgroup/workgroup.service';
import { buildOpenApiDocument, serveOpenApi } from './openapi';

const BODY_LIMIT = '1mb';

export interface RunningBrain {
  app: INestApplication;
  /** "ip:port" of the HTTPS API and of the tentacle gateway (api role only). */
  apiAddr?: string;
  gatewayAddr?: string;
  /** "ip:port" answering Octopoda's `octl ssh ls` (proxylite's service list). */
  proxyliteAddr?: string;
  apiPort?: number;
  gatewayPort?: number;
  close(): Promise<void>;
}

/** Migrates the database, then starts the roles asked for. Used by main.ts and by in-process tests. */
export async function startBrain(
  config: BrainConfig,
  roles: BrainRoles,
  logger: Logger,
): Promise<RunningBrain> {
  const { connectionString, schema } = splitDatabaseUrl(config.database.url);
  const report = await migrate(connectionString, schema, readMigrations(defaultMigrationsDir()));
  if (report.applied.length) logger.info({ applied: report.applied }, 'database migrated');

  const { ssl } = config;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, roles, logger), {
    bufferLogs: true,
    bodyParser: false,
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
  // Not strict: Octopoda's octl posts the JSON text `null` for an empty name list.
  app.useBodyParser('json', { strict: false, limit: BODY_LIMIT });
  app.useBodyParser('urlencoded', { extended: false, limit: BODY_LIMIT });
  await app.get(WorkgroupService).ensureRootPassword();

  const running: RunningBrain = { app, close: () => app.close() };
  if (roles.api) {
    serveOpenApi(app, buildOpenApiDocument(app));
    await app.listen(config.octlFace.port, config.octlFace.ip);
    running.apiPort = (app.getHttpServer().address() as AddressInfo).port;
    app.get(BrainInfoService).setApiPort(running.apiPort);
    running.gatewayPort = (await app.get(GatewayServer).listen()).port;
    running.apiAddr = advertisedAddress(config.octlFace, running.apiPort);
    running.gatewayAddr = advertisedAddress(config.tentacleFace, running.gatewayPort);
    app.get(TunnelUpgrade).attach(app.getHttpServer());
    await app.get(SshService).restore();
    const proxylitePort = await app.get(ProxyliteFace).listen();
    if (proxylitePort !== undefined)
      running.proxyliteAddr = advertisedAddress(config.octlFace, proxylitePort);
    await app.get(RegistrationService).start({
      gateway: running.gatewayAddr,
      api: running.apiAddr,
      proxylite: running.proxyliteAddr,
    });
  }
  if (roles.worker) await app.get(MaintenanceScheduler).start();
  logger.info({ version: BRAIN_VERSION, roles, api: running.apiAddr, gateway: running.gatewayAddr }, 'ready');
  return running;
}
