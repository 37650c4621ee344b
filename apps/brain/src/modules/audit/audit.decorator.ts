import { SetMetadata } from '@nestjs/common';

export const AUDIT_KEY = 'octopod:audit';

export interface AuditSpec {
  /** The action name in the audit trail (default: the OpenAPI operationId, or `v1.<handler>` on /api/v1). */
  action?: string;
}

/**
 * Every non-GET route is audited without saying so. Put this on a GET route that changes something (Octopoda's
 * `GET /node/prune`) or hands out a secret (a node's ssh password) so it is audited too, or on any route to name its
 * action.
 */
export const Audited = (spec: AuditSpec = {}) => SetMetadata(AUDIT_KEY, spec);
