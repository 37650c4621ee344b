import { SetMetadata } from '@nestjs/common';

/**
 * Who may call a route. Every route must declare one (the global AccessGuard denies undeclared routes):
 * - `public`: anyone (health checks);
 * - `octopoda`: the Octopoda face — verified client certificate plus workgroup headers, exactly as Octopoda;
 * - `api`: /api/v2 — a verified client certificate or `Authorization: Bearer <secret>`.
 */
export type Access = 'public' | 'octopoda' | 'api';
export const ACCESS_KEY = 'octopod:access';
export const AccessLevel = (access: Access) => SetMetadata(ACCESS_KEY, access);
