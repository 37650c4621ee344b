import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { join } from 'node:path';
import { BlobService } from '../files/blob.service';
import { FilesModule } from '../files/files.module';
import { NodesModule } from '../nodes/nodes.module';
import { ScenariosModule } from '../scenarios/scenarios.module';
import { SessionsModule } from '../sessions/sessions.module';
import { SshModule } from '../ssh/ssh.module';
import { PakmaModule } from '../pakma/pakma.module';
import { PakmaV1Controller } from './pakma.v1.controller';
import { FilesV1Controller } from './files.v1.controller';
import { LogsModule } from '../logs/logs.module';
import { LogsV1Controller } from './logs.v1.controller';
import { TasksModule } from '../tasks/tasks.module';
import { RunV1Controller } from './run.v1.controller';
import { NodeAppsV1Controller } from './nodeapps.v1.controller';
import { NodesV1Controller } from './nodes.v1.controller';
import { ScenarioAppsV1Controller } from './scenario-apps.v1.controller';
import { ScenariosV1Controller } from './scenarios.v1.controller';
import { ScenariosV1Service } from './scenarios.v1.service';
import { SshV1Controller } from './ssh.v1.controller';
import { parseV1Forms } from './v1-forms';
import { V1PullPayload } from './v1-pull-payload';
import { V1ScopeService } from './v1-scope.service';
import { WorkgroupV1Controller } from './workgroup.v1.controller';

/** The Octopoda face: thin controllers over the same services as /api/v2. */
@Module({
  imports: [
    NodesModule,
    TasksModule,
    FilesModule,
    ScenariosModule,
    LogsModule,
    SshModule,
    SessionsModule,
    PakmaModule,
  ],
  controllers: [
    NodesV1Controller,
    RunV1Controller,
    WorkgroupV1Controller,
    FilesV1Controller,
    ScenariosV1Controller,
    ScenarioAppsV1Controller,
    NodeAppsV1Controller,
    LogsV1Controller,
    SshV1Controller,
    PakmaV1Controller,
  ],
  providers: [V1ScopeService, V1PullPayload, ScenariosV1Service],
})
export class OctopodaV1Module implements NestModule {
  constructor(private readonly blobs: BlobService) {}

  configure(consumer: MiddlewareConsumer): void {
    parseV1Forms(consumer, join(this.blobs.store.dir, 'tmp'), this.blobs.maxUploadBytes);
  }
}
