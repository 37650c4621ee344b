import { Module } from '@nestjs/common';
import { HostStatusModule } from '../host-status/host-status.module';
import { BrainInfoService } from './brain-info.service';
import { NodeEvents } from './node-events';
import { NodePresenceService } from './node-presence.service';
import { NodesController } from './nodes.controller';
import { NodesRepository } from './nodes.repository';
import { NodesService } from './nodes.service';

@Module({
  imports: [HostStatusModule],
  controllers: [NodesController],
  providers: [NodesRepository, NodesService, NodePresenceService, BrainInfoService, NodeEvents],
  exports: [NodesRepository, NodesService, NodePresenceService, BrainInfoService, NodeEvents],
})
export class NodesModule {}
