import { Module } from '@nestjs/common';
import { NodesModule } from '../nodes/nodes.module';
import { GatewayServer } from './gateway.server';
import { LivenessService } from './liveness.service';

@Module({
  imports: [NodesModule],
  providers: [GatewayServer, LivenessService],
  exports: [GatewayServer, LivenessService],
})
export class GatewayModule {}
