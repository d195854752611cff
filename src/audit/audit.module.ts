import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { EventsModule } from '../events/events.module';
import { AuditController } from './audit.controller';
import { AuditInterceptor } from './audit.interceptor';
import { AuditEventRepository } from './audit-event.repository';
import { AuditRecorder } from './audit-recorder';
import { AuditRetention } from './audit-retention.job';
import { auditSigningKeyProvider } from './audit-signing-key.provider';
import { AuditVerifier } from './audit-verifier';
import { AuditWriter } from './audit-writer';

/**
 * The audit log: the interceptor (HTTP mutations and @Audit() reads), the recorder of
 * security and goal events, the batched chained writer, queries, export, verification
 * and retention.
 */
@Module({
  imports: [EventsModule],
  controllers: [AuditController],
  providers: [
    AuditEventRepository,
    AuditWriter,
    AuditRecorder,
    AuditVerifier,
    AuditRetention,
    auditSigningKeyProvider,
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
  ],
  exports: [AuditWriter, AuditVerifier, AuditRetention],
})
export class AuditModule {}
