import { Module } from '@nestjs/common';
import { HostStatusModule } from '../host-status/host-status.module';
import { BrainInfoService } from './brain-info.service';
import { NodePresenceService } from './node-presence.service';
import { NodesController } from './nodes.controller';
import { NodesRepository } from './nodes.repository';
import { NodesService } from './nodes.service';

@Module({
  imports: [HostStatusModule],
  controllers: [NodesController],
  providers: [NodesRepository, NodesService, NodePresenceService, BrainInfoService],
  exports: [NodesRepository, NodesService, NodePresenceService, BrainInfoService],
})
export class NodesModule {}
