import { Module } from '@nestjs/common';
import { NodesModule } from '../nodes/nodes.module';
import { TasksModule } from '../tasks/tasks.module';
import { GatewayServer } from './gateway.server';
import { LivenessService } from './liveness.service';

@Module({
  imports: [NodesModule, TasksModule],
  providers: [GatewayServer, LivenessService],
  exports: [GatewayServer, LivenessService],
})
export class GatewayModule {}
