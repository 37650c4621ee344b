import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { Queues } from '../../core/queue/jobs';
import { NodesModule } from '../nodes/nodes.module';
import { MaintenanceProcessor } from './maintenance.processor';
import { MaintenanceScheduler } from './maintenance.scheduler';

@Module({
  imports: [BullModule.registerQueue({ name: Queues.maintenance }), NodesModule],
  providers: [MaintenanceProcessor, MaintenanceScheduler],
  exports: [MaintenanceScheduler],
})
export class MaintenanceModule {}
