import { OctopodApiError } from '@octopod/sdk';
import { OctlError } from '../../errors';
import { EXIT_INTERRUPTED } from '../cmd/cancel-task';
import { Interrupts, sleep, unlessAborted } from '../cmd/interrupts';
import type { ScenarioRun, ScenDeps } from './scen-api';
import { progressLines, runText, summaryLines } from './run-view';

/** How often a run is asked for while it goes on. */
const POLL_MS = 300;
/** Answers lost in a row (no connection) before following gives up; the run goes on regardless. */
const MAX_LOST_POLLS = 5;

const lookAt = (run: ScenarioRun): string => `octl scen run ${run.id}`;

/** Ctrl-C stops following only: the brain goes on with the run. */
function stoppedFollowing(run: ScenarioRun): OctlError {
  return new OctlError(
    `stopped following run ${run.id}; it goes on on the brain (look at it with: ${lookAt(run)})`,
    EXIT_INTERRUPTED,
  );
}

function lostTrack(run: ScenarioRun, error: unknown): OctlError {
  const reason = error instanceof Error ? error.message : String(error);
  return new OctlError(
    `lost track of run ${run.id} (${reason}); it goes on on the brain (look at it with: ${lookAt(run)})`,
  );
}

async function poll(deps: ScenDeps, id: string, signal: AbortSignal): Promise<ScenarioRun> {
  for (let lost = 1; ; lost++) {
    await sleep(POLL_MS, signal);
    try {
      return await unlessAborted(deps.api.getScenarioRun(id), signal);
    } catch (error) {
      const noAnswer = error instanceof OctopodApiError && error.status === 0 && error.code !== 'aborted';
      if (signal.aborted || !noAnswer || lost >= MAX_LOST_POLLS) throw error;
    }
  }
}

/**
 * Follows a run until it ends, asking the brain every 300 ms. On a terminal (`table`), prints progress lines as
 * steps and nodes change, then the summary; otherwise prints nothing (the caller prints the final run). Rejects
 * with exit 130 when `interrupts` fire: following stops, the run does not.
 */
export async function followRun(
  deps: ScenDeps,
  first: ScenarioRun,
  interrupts: Interrupts,
): Promise<ScenarioRun> {
  const live = deps.format === 'table';
  const show = (before: ScenarioRun | undefined, after: ScenarioRun): void => {
    if (live) for (const text of progressLines(before, after)) deps.terminal.write(`${text}\n`);
  };
  let run = first;
  show(undefined, run);
  while (run.state === 'running') {
    if (interrupts.fired) throw stoppedFollowing(run);
    let next: ScenarioRun;
    try {
      next = await poll(deps, run.id, interrupts.first);
    } catch (error) {
      if (interrupts.fired) throw stoppedFollowing(run);
      throw lostTrack(run, error);
    }
    show(run, next);
    run = next;
  }
  if (live) deps.terminal.write(`${summaryLines(run).join('\n')}\n`);
  return run;
}

/** Exit 1 when the run failed. */
function failIfFailed(run: ScenarioRun): void {
  if (run.state === 'failed') {
    throw new OctlError(`scenario run ${run.id} failed${run.error ? `: ${run.error}` : ''}`);
  }
}

/**
 * Follows a run the brain just started and reports it: live lines on a terminal, else the final run (or
 * `data(run)`, for a command that shows more) as JSON/YAML. Exit 1 when the run failed.
 */
async function followAndReport(
  deps: ScenDeps,
  first: ScenarioRun,
  interrupts: Interrupts,
  data: (run: ScenarioRun) => unknown = (run) => run,
): Promise<void> {
  const run = await followRun(deps, first, interrupts);
  if (deps.format !== 'table') deps.out.print({ data: data(run), table: () => runText(run) });
  failIfFailed(run);
}

/** Runs `start` (a request that starts a run) and follows the run; Ctrl-C at any point stops following only. */
export async function startAndFollow(
  deps: ScenDeps,
  start: (interrupts: Interrupts) => Promise<ScenarioRun>,
  data?: (run: ScenarioRun) => unknown,
): Promise<void> {
  const interrupts = new Interrupts(deps.signals);
  try {
    const run = await start(interrupts);
    await followAndReport(deps, run, interrupts, data);
  } finally {
    interrupts.dispose();
  }
}
