import { Module } from '@nestjs/common';
import { NodesModule } from '../nodes/nodes.module';
import { EnrolmentController } from './enrolment.controller';
import { EnrolmentRepository } from './enrolment.repository';
import { EnrolmentService } from './enrolment.service';
import { RevocationBus } from './revocation-bus';
import { RevocationService } from './revocation.service';
import { SigningCa } from './signing-ca';

/**
 * Join tokens, enrolment and revocation. Imported before NodesModule in AppModule: its `nodes/tokens` routes must
 * be registered before NodesController's `nodes/:name`.
 */
@Module({
  imports: [NodesModule],
  controllers: [EnrolmentController],
  providers: [EnrolmentRepository, EnrolmentService, RevocationBus, RevocationService, SigningCa],
  exports: [RevocationService],
})
export class EnrolmentModule {}
