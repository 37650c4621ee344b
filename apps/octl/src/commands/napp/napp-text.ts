import { renderTable } from '../../output/table';
import { oneLine } from '../task/task-text';
import type { NodeApp } from '../scen/scen-api';
import { short, versionsTable, when } from '../scen/scen-text';

export function nodeAppsTable(node: string, apps: readonly NodeApp[]): string {
  if (apps.length === 0) return `no nodeapps on ${node}`;
  const rows = apps.map((a) => {
    const latest = a.versions[0];
    return [
      a.name,
      short(a.head),
      a.dirty ? 'yes' : 'no',
      latest ? `${when(latest.time)} ${oneLine(latest.message, 40)}` : '-',
      oneLine(a.description, 40),
    ];
  });
  return renderTable(['NODEAPP', 'HEAD', 'CHANGED', 'LATEST VERSION', 'DESCRIPTION'], rows);
}

export function nodeAppText(node: string, app: NodeApp): string {
  const head = app.head ? `${app.head}${app.dirty ? ' (with uncommitted changes)' : ''}` : 'no commit yet';
  return [
    `nodeapp ${app.name} on ${node}: ${oneLine(app.description, 80)}`,
    `head: ${head}`,
    '',
    versionsTable(app.versions),
  ].join('\n');
}
