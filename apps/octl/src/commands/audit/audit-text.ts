import type { AuditList, AuditRecord } from '@octopod/sdk';
import { goDateTime } from '../../format/go-format';
import { renderTable } from '../../output/table';
import { oneLine } from '../task/task-text';

const TARGETS_WIDTH = 32;

function result(record: AuditRecord): string {
  const code = (record.detail?.error as { code?: string } | undefined)?.code;
  return [record.outcome, String(record.status), code].filter(Boolean).join(' ');
}

export function auditTable(list: AuditList): string {
  const rows = list.items.map((r) => [
    goDateTime(new Date(r.at)),
    r.actorKind === 'anonymous' ? 'anonymous' : `${r.actor} (${r.actorKind})`,
    r.workgroup,
    r.action,
    oneLine(r.targets.join(',') || '-', TARGETS_WIDTH),
    result(r),
  ]);
  const table = renderTable(['TIME', 'WHO', 'WORKGROUP', 'ACTION', 'TARGETS', 'RESULT'], rows);
  return list.nextBefore ? `${table}\nolder: octl audit --before ${list.nextBefore}` : table;
}
