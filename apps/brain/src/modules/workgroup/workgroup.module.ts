import { Global, Module } from '@nestjs/common';
import { WorkgroupController } from './workgroup.controller';
import { WorkgroupRepository } from './workgroup.repository';
import { WorkgroupService } from './workgroup.service';

@Global()
@Module({
  controllers: [WorkgroupController],
  providers: [WorkgroupRepository, WorkgroupService],
  exports: [WorkgroupService],
})
export class WorkgroupModule {}
