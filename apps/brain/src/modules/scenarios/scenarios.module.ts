import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { join } from 'node:path';
import type { BrainConfig } from '../../core/config/brain-config';
import { BRAIN_CONFIG } from '../../core/config/config.tokens';
import { Queues } from '../../core/queue/jobs';
import { FilesModule } from '../files/files.module';
import { NodesModule } from '../nodes/nodes.module';
import { SessionsModule } from '../sessions/sessions.module';
import { TasksModule } from '../tasks/tasks.module';
import { ApplyRunner } from './apply/apply-runner';
import { NodeAppRecorder } from './nodeapp-recorder';
import { NodeAppsService } from './nodeapps.service';
import { ScenarioGit } from './scenario-git';
import { ScenariosController } from './scenarios.controller';
import { ScenariosProcessor } from './scenarios.processor';
import { ScenariosRepository } from './scenarios.repository';
import { ScenariosService } from './scenarios.service';

/** Scenarios: apply targets as resumable runs, nodeapps on nodes, versions git-backed on the brain and the nodes. */
@Module({
  imports: [
    BullModule.registerQueue({ name: Queues.scenarios }),
    TasksModule,
    FilesModule,
    NodesModule,
    SessionsModule,
  ],
  controllers: [ScenariosController],
  providers: [
    ScenariosRepository,
    ScenariosService,
    NodeAppsService,
    NodeAppRecorder,
    ApplyRunner,
    ScenariosProcessor,
    {
      provide: ScenarioGit,
      inject: [BRAIN_CONFIG],
      useFactory: (config: BrainConfig) =>
        new ScenarioGit(join(config.workspace.root, '.octopod', 'scenarios')),
    },
  ],
  exports: [ScenariosService, ScenariosRepository, NodeAppsService, NodeAppRecorder],
})
export class ScenariosModule {}
