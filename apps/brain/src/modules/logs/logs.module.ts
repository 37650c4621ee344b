import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { LogsController } from './logs.controller';
import { LogsService } from './logs.service';

/** Log tails: a node's daily files read by the node on request, and the brain's own. */
@Module({
  imports: [SessionsModule],
  controllers: [LogsController],
  providers: [LogsService],
  exports: [LogsService],
})
export class LogsModule {}
