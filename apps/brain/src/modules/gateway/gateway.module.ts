import { Module } from '@nestjs/common';
import { EnrolmentModule } from '../enrolment/enrolment.module';
import { NodesModule } from '../nodes/nodes.module';
import { TasksModule } from '../tasks/tasks.module';
import { GatewayServer } from './gateway.server';
import { LivenessService } from './liveness.service';

@Module({
  imports: [NodesModule, TasksModule, EnrolmentModule],
  providers: [GatewayServer, LivenessService],
  exports: [GatewayServer, LivenessService],
})
export class GatewayModule {}
