import { Module } from '@nestjs/common';
import { HostStatusService } from './host-status.service';

@Module({ providers: [HostStatusService], exports: [HostStatusService] })
export class HostStatusModule {}
