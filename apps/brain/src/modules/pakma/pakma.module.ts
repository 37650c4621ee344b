import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { Queues } from '../../core/queue/jobs';
import { NodesModule } from '../nodes/nodes.module';
import { ScopeModule } from '../scope/scope.module';
import { SessionsModule } from '../sessions/sessions.module';
import { PakmaController } from './pakma.controller';
import { PakmaService } from './pakma.service';
import { RolloutRunner } from './rollout-runner';
import { RolloutsProcessor } from './rollouts.processor';
import { RolloutsRepository } from './rollouts.repository';
import { RolloutsService } from './rollouts.service';

/** Upgrades with pakma: commands to nodes' and the brain's pakma, and rollouts in waves. */
@Module({
  imports: [SessionsModule, NodesModule, ScopeModule, BullModule.registerQueue({ name: Queues.rollouts })],
  controllers: [PakmaController],
  providers: [PakmaService, RolloutsRepository, RolloutsService, RolloutRunner, RolloutsProcessor],
  exports: [PakmaService],
})
export class PakmaModule {}
