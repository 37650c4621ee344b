import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { NodesModule } from '../nodes/nodes.module';
import { TasksModule } from '../tasks/tasks.module';
import { RunV1Controller } from './run.v1.controller';
import { NodesV1Controller } from './nodes.v1.controller';
import { parseV1Forms } from './v1-forms';
import { V1ScopeService } from './v1-scope.service';
import { WorkgroupV1Controller } from './workgroup.v1.controller';

/** The Octopoda face: thin controllers over the same services as /api/v2. */
@Module({
  imports: [NodesModule, TasksModule],
  controllers: [NodesV1Controller, RunV1Controller, WorkgroupV1Controller],
  providers: [V1ScopeService],
})
export class OctopodaV1Module implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    parseV1Forms(consumer);
  }
}
