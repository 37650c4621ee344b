import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { AccessGuard } from './core/auth/access.guard';
import { ScopeGuard } from './core/auth/scope.guard';
import type { BrainConfig } from './core/config/brain-config';
import { CoreModule } from './core/config/core.module';
import { DatabaseModule } from './core/database/database.module';
import { correlationIdOf } from './core/http/correlation-id';
import { ErrorFilter } from './core/http/error.filter';
import { QueueModule } from './core/queue/queue.module';
import { RedisModule } from './core/redis/redis.module';
import { AuditModule } from './modules/audit/audit.module';
import { EnrolmentModule } from './modules/enrolment/enrolment.module';
import { FilesModule } from './modules/files/files.module';
import { LogsModule } from './modules/logs/logs.module';
import { ScenariosModule } from './modules/scenarios/scenarios.module';
import { GatewayModule } from './modules/gateway/gateway.module';
import { HealthController } from './modules/health/health.controller';
import { MaintenanceModule } from './modules/maintenance/maintenance.module';
import { NameServerModule } from './modules/nameserver/nameserver.module';
import { NodesModule } from './modules/nodes/nodes.module';
import { OctopodaV1Module } from './modules/octopoda-v1/octopoda-v1.module';
import { ScopeModule } from './modules/scope/scope.module';
import { SessionsModule } from './modules/sessions/sessions.module';
import { SshModule } from './modules/ssh/ssh.module';
import { PakmaModule } from './modules/pakma/pakma.module';
import { TasksModule } from './modules/tasks/tasks.module';
import { TokensModule } from './modules/tokens/tokens.module';
import { WorkgroupModule } from './modules/workgroup/workgroup.module';

/** Which halves of the brain this process runs: `api` (HTTP + tentacle gateway) and/or `worker` (queues). */
export interface BrainRoles {
  api: boolean;
  worker: boolean;
}

@Module({})
export class AppModule {
  static forRoot(config: BrainConfig, roles: BrainRoles, logger?: Logger): DynamicModule {
    const imports: NonNullable<ModuleMetadata['imports']> = [
      CoreModule.forRoot(config),
      LoggerModule.forRoot({
        pinoHttp: {
          logger,
          // Request logs at debug: an octl poll loop would otherwise drown everything else.
          customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'debug'),
          redact: ['req.headers.password', 'req.headers.authorization'],
          // The audit trail and the x-correlation-id response header carry the same id as the request log.
          genReqId: correlationIdOf,
        },
      }),
      DatabaseModule,
      RedisModule,
      QueueModule,
      SessionsModule,
      // Before NodesModule: its `nodes/tokens` routes must match before NodesController's `nodes/:name`.
      EnrolmentModule,
      WorkgroupModule,
      ScopeModule,
      NodesModule,
      // The AccessGuard checks API tokens in every role.
      TokensModule,
    ];
    // Task dispatch needs the node connections: it runs with the API (and its gateway).
    if (roles.api)
      imports.push(
        OctopodaV1Module,
        GatewayModule,
        NameServerModule,
        TasksModule,
        FilesModule,
        LogsModule,
        ScenariosModule,
        SshModule,
        PakmaModule,
        AuditModule,
      );
    if (roles.worker) imports.push(MaintenanceModule);
    return {
      module: AppModule,
      imports,
      controllers: roles.api ? [HealthController] : [],
      providers: [
        // In this order: who is calling, then which nodes they may see or touch.
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_GUARD, useClass: ScopeGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
      ],
    };
  }
}
