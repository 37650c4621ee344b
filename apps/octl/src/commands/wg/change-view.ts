import type { WorkgroupChange } from '@octopod/sdk';
import type { View } from '../../output/output';
import { displayPath } from './wg-path';

/** What `wg add` and `wg rm` show: OK (as Octopoda's octl), the members left, and the groups deleted. */
export function changeView(change: WorkgroupChange): View {
  return {
    data: change,
    table: () =>
      [
        'OK',
        ...(change.deleted.includes(change.path)
          ? []
          : [`members of ${displayPath(change.path)}: ${change.members.join(', ') || '(none)'}`]),
        ...change.deleted.map((path) => `deleted ${path}`),
      ].join('\n'),
  };
}
