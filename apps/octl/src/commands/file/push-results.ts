import type { TaskDetail } from '@octopod/sdk';
import type { View } from '../../output/output';
import { failureMessage, summaryText } from '../cmd/cmd-report';
import { toExecutionResults, type ExecutionResults } from '../cmd/execution-result';

/**
 * Octopoda's results of `file upload`, one per node in completion order: Code 0 with Result "OK", 2 with the
 * node's reason (`target path not exist`, ...), 1 for a node it never reached.
 */
export function pushResults(task: TaskDetail): ExecutionResults {
  // A push has no output of its own: read as a script's, whose Result is only its output.
  const results = toExecutionResults(task.invocations, 'script');
  return { ...results, Results: results.Results.map((r) => (r.Code === 0 ? { ...r, Result: 'OK' } : r)) };
}

/** `-o json|yaml`: the results array (Octopoda prints no totals for uploads); on a terminal, the summary. */
export function pushView(task: TaskDetail): { view: View; failure: string | undefined } {
  const results = pushResults(task);
  return {
    view: { data: results.Results, table: () => summaryText(task, results, 'script') },
    failure: failureMessage(results),
  };
}
