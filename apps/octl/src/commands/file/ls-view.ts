import type { FileTree } from '@octopod/sdk';
import type { View } from '../../output/output';
import { renderTable } from '../../output/table';
import { goDateTime } from '../../format/go-format';
import { bytesText } from './transfer-view';

/** One entry as Octopoda's `/file/tree` answers it. */
export interface OctopodaFileEntry {
  Name: string;
  Size: number;
  ModifyTime: string;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Go's `Format("01月02日 15:04")` in this machine's time zone, as Octopoda shows modification times. */
export function goMonthDayTime(instant: Date): string {
  const d = instant;
  return `${pad2(d.getMonth() + 1)}月${pad2(d.getDate())}日 ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/** `-o json|yaml`: Octopoda's `[{Name, Size, ModifyTime}]`; on a terminal, a table with the entry types. */
export function lsView(tree: FileTree): View {
  const data: OctopodaFileEntry[] = tree.entries.map((e) => ({
    Name: e.name,
    Size: e.size,
    ModifyTime: goMonthDayTime(new Date(e.mtimeMs)),
  }));
  return {
    data,
    table: () => {
      if (tree.entries.length === 0) return `${tree.node}:${tree.path} is empty`;
      const rows = tree.entries.map((e) => [
        e.type === 'dir' ? `${e.name}/` : e.name,
        e.type,
        e.type === 'dir' ? '-' : bytesText(e.size),
        goDateTime(new Date(e.mtimeMs)),
      ]);
      return renderTable(['NAME', 'TYPE', 'SIZE', 'MODIFIED'], rows);
    },
  };
}
