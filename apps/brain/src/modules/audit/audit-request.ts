import type { AuthedRequest } from '../../core/auth/access.guard';
import type { AuditNote } from './audit-record';

/** A request as the audit hook reads it; handlers may leave a note for their own record. */
export type AuditedRequest = AuthedRequest & { auditNote?: AuditNote };
