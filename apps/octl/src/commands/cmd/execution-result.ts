import type { Invocation } from '@octopod/sdk';
import type { ResultKind } from './cmd-options';

/** Octopoda's per-node result (reference spec §1.8): Code 0 OK, 1 communication error, 2 process error. */
export interface ExecutionResult {
  Name: string;
  Code: 0 | 1 | 2;
  CommunicationErrorMsg: string;
  ProcessErrorMsg: string;
  Result: string;
  /** Filled by Octopoda's octl (not the brain): "[OK]" or "[ERR]"; scripts parsing octl's JSON may read it. */
  ResultCompatible: '[OK]' | '[ERR]';
}

/** What Octopoda's octl prints for `cmd run`/`xrun` (spec §4.1). */
export interface ExecutionResults {
  Results: ExecutionResult[];
  Total: number;
  Success: number;
  CommunicationError: number;
  ProcessError: number;
}

const TERMINAL = new Set<Invocation['state']>([
  'success',
  'failed',
  'timed_out',
  'delivery_timed_out',
  'cancelled',
]);

export function isTerminal(invocation: Pick<Invocation, 'state'>): boolean {
  return TERMINAL.has(invocation.state);
}

/** The tentacle refused the assignment (e.g. an aligned start out of range): it never accepted it. */
function refused(invocation: Invocation): boolean {
  return invocation.state === 'failed' && invocation.acceptedAt === null && invocation.startedAt === null;
}

function successResult(invocation: Invocation, kind: ResultKind): string {
  switch (kind) {
    case 'xrun':
      return 'loaded';
    case 'background':
      return invocation.pid !== null ? String(invocation.pid) : invocation.output;
    case 'script':
      return invocation.output;
    case 'command':
      return invocation.stdout;
  }
}

const ok = (Name: string, Result: string): ExecutionResult => ({
  Name,
  Code: 0,
  CommunicationErrorMsg: '',
  ProcessErrorMsg: '',
  Result,
  ResultCompatible: '[OK]',
});

const communicationError = (Name: string, message: string): ExecutionResult => ({
  Name,
  Code: 1,
  CommunicationErrorMsg: message,
  ProcessErrorMsg: '',
  Result: '',
  ResultCompatible: '[ERR]',
});

/** The contract's mapping from an invocation to Octopoda's ExecutionResult. */
export function toExecutionResult(invocation: Invocation, kind: ResultKind): ExecutionResult {
  const name = invocation.node;
  switch (invocation.state) {
    case 'success':
      return ok(name, successResult(invocation, kind));
    case 'delivery_timed_out':
      return communicationError(name, invocation.error ?? 'delivery timed out');
    case 'failed':
    case 'timed_out':
    case 'cancelled':
      if (refused(invocation)) return communicationError(name, invocation.error ?? 'refused by the node');
      return {
        Name: name,
        Code: 2,
        CommunicationErrorMsg: '',
        ProcessErrorMsg: invocation.error ?? invocation.state.replace('_', ' '),
        Result: kind === 'command' || kind === 'background' ? invocation.stderr : '',
        ResultCompatible: '[ERR]',
      };
    default:
      // An xrun returns once a node has accepted; anything else unfinished never got going.
      if (kind === 'xrun' && invocation.acceptedAt !== null) return ok(name, 'loaded');
      return communicationError(name, `not finished (${invocation.state})`);
  }
}

/** Completion order, as Octopoda reports (unfinished last), ties by node name. */
function completionOrder(a: Invocation, b: Invocation): number {
  const at = (i: Invocation): string => i.endedAt ?? i.acceptedAt ?? '\uffff';
  return at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
}

export function toExecutionResults(invocations: readonly Invocation[], kind: ResultKind): ExecutionResults {
  const Results = [...invocations].sort(completionOrder).map((i) => toExecutionResult(i, kind));
  const count = (code: number): number => Results.filter((r) => r.Code === code).length;
  return {
    Results,
    Total: Results.length,
    Success: count(0),
    CommunicationError: count(1),
    ProcessError: count(2),
  };
}
