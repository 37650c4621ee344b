import type { Invocation, Task, TaskDetail, TaskList } from '@octopod/sdk';
import { goDateTime, goDurationMs } from '../../format/go-format';
import { renderTable } from '../../output/table';

const COMMAND_WIDTH = 48;

/** One line, at most `width` characters, for a table cell. */
export function oneLine(text: string, width = COMMAND_WIDTH): string {
  const flat = text.replace(/\s*\n\s*/g, ' ⏎ ');
  return [...flat].length <= width ? flat : `${[...flat].slice(0, width - 1).join('')}…`;
}

const when = (iso: string | null): string => (iso ? goDateTime(new Date(iso)) : '-');

function span(from: string | null, to: string | null): string {
  if (!from || !to) return '-';
  return goDurationMs(Math.max(0, Date.parse(to) - Date.parse(from)));
}

function what(task: Task): string {
  return task.kind === 'script' ? `script ${task.command}` : task.command;
}

/** Nodes that ended in anything but success. */
export function failedCount(task: Task): number {
  const c = task.counts;
  return c.failed + c.timedOut + c.deliveryTimedOut + c.cancelled;
}

export function taskListTable(list: TaskList): string {
  const rows = list.items.map((t) => [
    t.id,
    when(t.createdAt),
    t.state,
    String(t.counts.total),
    String(t.counts.success),
    String(failedCount(t)),
    oneLine(what(t)),
  ]);
  const table = renderTable(['ID', 'CREATED', 'STATE', 'NODES', 'OK', 'FAILED', 'COMMAND'], rows);
  return list.nextBefore ? `${table}\nolder: octl task ls --before ${list.nextBefore}` : table;
}

function optionWords(task: Task): string {
  const o = task.options;
  const words = [
    o.background && 'background',
    o.delaySeconds > 0 && `delay ${o.delaySeconds}s`,
    o.align && 'time-aligned',
    o.timeoutSeconds !== null && `timeout ${o.timeoutSeconds}s`,
    o.maxConcurrency !== null && `max concurrency ${o.maxConcurrency}`,
    o.maxErrors !== null && `max errors ${o.maxErrors}`,
  ].filter(Boolean);
  return words.length ? words.join(', ') : '-';
}

function countWords(task: Task): string {
  const c = task.counts;
  const parts: [number, string][] = [
    [c.success, 'success'],
    [c.failed, 'failed'],
    [c.timedOut, 'timed out'],
    [c.deliveryTimedOut, 'not delivered'],
    [c.cancelled, 'cancelled'],
    [c.running, 'running'],
    [c.pending + c.delayed, 'waiting'],
  ];
  const shown = parts.filter(([n]) => n > 0).map(([n, word]) => `${n} ${word}`);
  return `${c.total}${shown.length ? `: ${shown.join(', ')}` : ''}`;
}

function invocationRow(i: Invocation): string[] {
  return [
    i.node,
    i.state,
    i.exitCode === null ? '-' : String(i.exitCode),
    i.pid === null ? '-' : String(i.pid),
    when(i.startedAt),
    span(i.startedAt, i.endedAt),
    oneLine(i.error ?? '', 60),
  ];
}

export function taskDetailTable(task: TaskDetail): string {
  const head = renderTable(
    ['', ''],
    [
      ['Task:', task.id],
      [task.kind === 'script' ? 'Script:' : 'Command:', oneLine(task.command, 100)],
      ['Targets:', task.targets.join(' ') || 'ALL'],
      ['State:', task.state],
      ['Created:', when(task.createdAt)],
      ['Done:', task.doneAt ? `${when(task.doneAt)} (${span(task.createdAt, task.doneAt)})` : '-'],
      ['Options:', optionWords(task)],
      ['Nodes:', countWords(task)],
    ],
  )
    .split('\n')
    .slice(1)
    .join('\n');
  const rows = [...task.invocations].sort((a, b) => (a.node < b.node ? -1 : 1)).map(invocationRow);
  return `${head}\n\n${renderTable(['NODE', 'STATE', 'EXIT', 'PID', 'STARTED', 'DURATION', 'ERROR'], rows)}`;
}

/** `task logs`: per node, what it printed. */
export interface NodeLog {
  node: string;
  state: Invocation['state'];
  exitCode: number | null;
  stdout: string;
  stderr: string;
  output: string;
  error: string | null;
}

export function nodeLogs(task: TaskDetail, node?: string): NodeLog[] {
  return [...task.invocations]
    .filter((i) => node === undefined || i.node === node)
    .sort((a, b) => (a.node < b.node ? -1 : 1))
    .map((i) => ({
      node: i.node,
      state: i.state,
      exitCode: i.exitCode,
      stdout: i.stdout,
      stderr: i.stderr,
      output: i.output,
      error: i.error,
    }));
}

const block = (title: string, text: string): string =>
  text === '' ? '' : `--- ${title} ---\n${text.endsWith('\n') ? text : `${text}\n`}`;

export function nodeLogsText(logs: readonly NodeLog[]): string {
  return logs
    .map((log) => {
      const exit = log.exitCode === null ? '' : `, exit ${log.exitCode}`;
      const error = log.error ? `: ${log.error}` : '';
      const body = block('stdout', log.stdout) + block('stderr', log.stderr) + block('output', log.output);
      return `==> ${log.node} (${log.state}${exit}${error}) <==\n${body || '(no output)\n'}`;
    })
    .join('\n');
}
