import type { Invocation, TaskDetail } from '@octopod/sdk';
import type { View } from '../../output/output';
import { renderTable } from '../../output/table';
import type { ResultKind } from './cmd-options';
import { toExecutionResult, toExecutionResults, type ExecutionResults } from './execution-result';
import { prefixLines } from './live-output';

/** Text still to show for one node after the stream: what was not streamed live. */
export interface Leftover {
  stream: 'stdout' | 'stderr';
  text: string;
}

/**
 * What a terminal has not seen yet of one invocation: a command's output when it did not stream (e.g. the
 * stream was lost), a script's `$OCTOPODA_OUTPUT`, a background PID, or `loaded` for xrun.
 */
export function leftovers(invocation: Invocation, kind: ResultKind, streamed: boolean): Leftover[] {
  const node = invocation.node;
  if (kind === 'command') {
    if (streamed) return [];
    const out: Leftover[] = [];
    if (invocation.stdout) out.push({ stream: 'stdout', text: prefixLines(node, invocation.stdout) });
    if (invocation.stderr) out.push({ stream: 'stderr', text: prefixLines(node, invocation.stderr) });
    return out;
  }
  const result = toExecutionResult(invocation, kind);
  if (result.Code !== 0) return [];
  const text = kind === 'background' ? `pid ${result.Result}` : result.Result;
  return [{ stream: 'stdout', text: prefixLines(node, text) }];
}

function shortList(names: readonly string[], max = 10): string {
  return names.length <= max
    ? names.join(', ')
    : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** The last lines on a terminal: the nodes that failed and why, then the totals. */
export function summaryText(task: TaskDetail, results: ExecutionResults, kind: ResultKind): string {
  const byName = new Map(task.invocations.map((i) => [i.node, i]));
  const failed = results.Results.filter((r) => r.Code !== 0);
  const lines: string[] = [];
  if (failed.length > 0) {
    const rows = failed.map((r) => [
      r.Name,
      byName.get(r.Name)?.state ?? '',
      (r.CommunicationErrorMsg || r.ProcessErrorMsg).split('\n')[0],
    ]);
    lines.push(renderTable(['NODE', 'STATE', 'ERROR'], rows));
  }
  const word = kind === 'xrun' ? 'loaded' : 'succeeded';
  const failures = failed.length ? `, ${failed.length} failed` : '';
  lines.push(`${results.Total} nodes: ${results.Success} ${word}${failures} (task ${task.id})`);
  return lines.join('\n');
}

/** `-o json|yaml`: Octopoda's results object; on a terminal, the summary. */
export function resultView(task: TaskDetail, kind: ResultKind): { view: View; results: ExecutionResults } {
  const results = toExecutionResults(task.invocations, kind);
  return { results, view: { data: results, table: () => summaryText(task, results, kind) } };
}

/** The message octl exits 1 with when nodes failed. */
export function failureMessage(results: ExecutionResults): string | undefined {
  const failed = results.Results.filter((r) => r.Code !== 0).map((r) => r.Name);
  if (failed.length === 0) return undefined;
  return `${failed.length} of ${results.Total} nodes failed: ${shortList(failed)}`;
}
