import { Module, type OnModuleInit } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { TaskDispatcher } from '../tasks/task-dispatcher.service';
import { FILE_TASK_KINDS } from '../tasks/task-options';
import { TasksModule } from '../tasks/tasks.module';
import { BlobCollector } from './blob-collector';
import { BlobService } from './blob.service';
import { FilesController } from './files.controller';
import { FilesRepository } from './files.repository';
import { FilesService } from './files.service';
import { PullDelivery } from './pull.delivery';
import { PushDelivery } from './push.delivery';

/** File distribution: the blob store, pushes to and pulls from nodes as tasks, the brain's own files. */
@Module({
  imports: [TasksModule, SessionsModule],
  controllers: [FilesController],
  providers: [BlobService, BlobCollector, FilesRepository, FilesService, PushDelivery, PullDelivery],
  exports: [BlobService, FilesService],
})
export class FilesModule implements OnModuleInit {
  constructor(
    private readonly dispatcher: TaskDispatcher,
    private readonly push: PushDelivery,
    private readonly pull: PullDelivery,
  ) {}

  onModuleInit(): void {
    this.dispatcher.registerDelivery(FILE_TASK_KINDS.push, this.push);
    this.dispatcher.registerDelivery(FILE_TASK_KINDS.pull, this.pull);
  }
}
