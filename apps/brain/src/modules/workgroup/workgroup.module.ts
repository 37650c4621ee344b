import { Global, Module } from '@nestjs/common';
import { WorkgroupRepository } from './workgroup.repository';
import { WorkgroupService } from './workgroup.service';

@Global()
@Module({ providers: [WorkgroupRepository, WorkgroupService], exports: [WorkgroupService] })
export class WorkgroupModule {}
