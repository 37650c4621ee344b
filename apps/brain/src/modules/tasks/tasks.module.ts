import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { Queues } from '../../core/queue/jobs';
import { NodesModule } from '../nodes/nodes.module';
import { InvocationLedger } from './invocation-ledger.service';
import { TaskDispatcher } from './task-dispatcher.service';
import { TaskEventsService } from './task-events.service';
import { TaskStreamService } from './task-stream.service';
import { TasksController } from './tasks.controller';
import { TasksProcessor } from './tasks.processor';
import { TasksRepository } from './tasks.repository';
import { TasksService } from './tasks.service';

@Module({
  imports: [BullModule.registerQueue({ name: Queues.tasks }), NodesModule],
  controllers: [TasksController],
  providers: [
    TasksRepository,
    TasksService,
    TaskDispatcher,
    InvocationLedger,
    TaskEventsService,
    TaskStreamService,
    TasksProcessor,
  ],
  exports: [TasksService, TaskDispatcher, TasksRepository, InvocationLedger, TaskEventsService],
})
export class TasksModule {}
