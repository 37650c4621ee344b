import type { ApiToken, ApiTokenList } from '@octopod/sdk';
import { goDateTime } from '../../format/go-format';
import { renderTable } from '../../output/table';

const when = (iso: string | null): string => (iso ? goDateTime(new Date(iso)) : '-');

export function tokenListTable(list: ApiTokenList): string {
  const rows = list.items.map((t) => [t.id, t.name, t.path, t.state, when(t.expiresAt), when(t.lastUsedAt)]);
  return renderTable(['ID', 'NAME', 'PATH', 'STATE', 'EXPIRES', 'LAST USED'], rows);
}

export function revokedText(token: ApiToken): string {
  return `revoked ${token.id} ("${token.name}", ${token.path}) at ${when(token.revokedAt)}`;
}
