import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AuditCatalogue } from './audit-catalogue';
import { AuditController } from './audit.controller';
import { AuditMiddleware } from './audit.middleware';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { AuditWriter } from './audit.writer';

/** The audit trail: every mutating call of both faces, written by an HTTP hook on every route. */
@Module({
  imports: [DiscoveryModule],
  controllers: [AuditController],
  providers: [AuditCatalogue, AuditMiddleware, AuditRepository, AuditService, AuditWriter],
  exports: [AuditCatalogue, AuditWriter],
})
export class AuditModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AuditMiddleware).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }
}
