/**
 * What a client certificate may be used for, carried in its subject OU: `node` (a tentacle at the brain's
 * gateway) or `admin` (octl, SDKs and people at the brain's API). Certificates without a role are older than roles
 * (or Octopoda's own): /api/v1 still takes them, the gateway and /api/v2 do not.
 */
export const CLIENT_ROLES = ['node', 'admin'] as const;
export type ClientRole = (typeof CLIENT_ROLES)[number];

/**
 * The role of a client certificate from its subject, as node:tls reports a peer's (`{CN, O, OU}`, a repeated field
 * as an array). Only a single OU naming a known role counts; anything else has no role.
 */
export function roleFromSubject(subject: { OU?: string | string[] } | undefined): ClientRole | undefined {
  const ou = subject?.OU;
  if (typeof ou !== 'string') return undefined;
  return CLIENT_ROLES.find((role) => role === ou);
}
