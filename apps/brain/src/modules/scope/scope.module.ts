import { Global, Module } from '@nestjs/common';
import { ScopeRepository } from './scope.repository';
import { ScopeService } from './scope.service';

@Global()
@Module({ providers: [ScopeRepository, ScopeService], exports: [ScopeService] })
export class ScopeModule {}
