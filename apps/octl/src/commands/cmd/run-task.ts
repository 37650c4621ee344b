import type { CreateTaskRequest, Invocation, ResolveNodesResult, TaskDetail } from '@octopod/sdk';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
export { EXIT_INTERRUPTED } from './cancel-task';
import type { CliContext, SignalSource, TaskApi, Terminal } from '../../context';
import { OctlError } from '../../errors';
import type { OutputFormat, OutputSink } from '../../output/output';
import type { CmdPlan } from './cmd-options';
import { failureMessage, leftovers, resultView } from './cmd-report';
import { isTerminal } from './execution-result';
import { followTask, progressCounts } from './follow-task';
import { cancelAfterInterrupt as cancelTask, EXIT_INTERRUPTED } from './cancel-task';
import { Interrupts } from './interrupts';
import { LiveOutput, PROGRESS_MIN_NODES } from './live-output';

export interface RunDeps {
  api: TaskApi;
  out: OutputSink;
  format: OutputFormat;
  terminal: Terminal;
  signals?: SignalSource;
  now(): number;
  readFile?(path: string): Promise<Buffer>;
}

export async function runDepsOf(ctx: CliContext): Promise<RunDeps> {
  return {
    api: await ctx.client(),
    out: ctx.output(),
    format: ctx.format(),
    terminal: ctx.terminal,
    signals: ctx.signals,
    now: ctx.now,
  };
}

/** Refuses unknown and unhealthy targets before anything runs, naming them (Octopoda's "node parse error"). */
export async function checkTargets(api: Pick<TaskApi, 'resolveNodes'>, targets: string[]): Promise<string[]> {
  const resolved: ResolveNodesResult = await api.resolveNodes({ targets });
  const problems = [
    resolved.unknown.length > 0 && `unknown nodes or groups: ${resolved.unknown.join(', ')}`,
    resolved.unhealthy.length > 0 && `unhealthy nodes: ${resolved.unhealthy.join(', ')}`,
  ].filter(Boolean);
  if (problems.length > 0) throw new OctlError(`node parse error: ${problems.join('; ')}`);
  if (resolved.online.length === 0) throw new OctlError('node parse error: the targets name no node');
  return resolved.online;
}

async function withScript(deps: RunDeps, plan: CmdPlan): Promise<CreateTaskRequest> {
  if (plan.scriptPath === undefined) return plan.request;
  let content: Buffer;
  try {
    content = await (deps.readFile ?? readFile)(plan.scriptPath);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new OctlError(`cannot read script ${plan.scriptPath} (${reason})`);
  }
  return {
    ...plan.request,
    script: { name: basename(plan.scriptPath), contentBase64: content.toString('base64') },
  };
}

/** Which nodes count as finished: for xrun, accepted is enough (Octopoda returns "loaded" at once). */
function settledFor(plan: CmdPlan): (invocation: Invocation) => boolean {
  return plan.mode === 'xrun' ? (i) => isTerminal(i) || i.acceptedAt !== null : isTerminal;
}

function report(
  deps: RunDeps,
  plan: CmdPlan,
  task: TaskDetail,
  live: LiveOutput | undefined,
): string | undefined {
  if (live) {
    live.finish();
    const sorted = [...task.invocations].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
    for (const invocation of sorted) {
      for (const part of leftovers(invocation, plan.kind, live.hasStreamed(invocation.id)))
        live.print(part.stream, part.text);
    }
  }
  const { view, results } = resultView(task, plan.kind);
  deps.out.print(view);
  return failureMessage(results);
}

/** After Ctrl-C: cancel on the nodes, wait briefly for them to confirm, print what is known, exit 130. */
async function cancelAfterInterrupt(
  deps: RunDeps,
  plan: CmdPlan,
  task: TaskDetail,
  interrupts: Interrupts,
  live: LiveOutput | undefined,
): Promise<never> {
  live?.finish();
  const last = await cancelTask(deps.api, deps.terminal, task, interrupts);
  report(deps, plan, last, undefined);
  throw new OctlError(`interrupted: task ${task.id} cancelled`, EXIT_INTERRUPTED);
}

/**
 * `cmd run` / `cmd xrun`: checks the targets, creates the task, shows output as it arrives (on a terminal),
 * and prints the results; Ctrl-C cancels the task on the nodes. Throws OctlError (exit 1) if any node failed.
 */
export async function runCmd(deps: RunDeps, plan: CmdPlan): Promise<void> {
  const request = await withScript(deps, plan);
  // Listening from the start: a Ctrl-C while the task is being created still cancels it once it exists.
  const interrupts = new Interrupts(deps.signals);
  try {
    await checkTargets(deps.api, request.targets);
    if (interrupts.fired) throw new OctlError('interrupted before anything ran', EXIT_INTERRUPTED);
    const task = await deps.api.createTask(request);
    const live = deps.format === 'table' ? liveOutputFor(deps, plan, task) : undefined;
    const settled = settledFor(plan);
    let final: TaskDetail;
    try {
      final = await followTask(deps.api, task, {
        settled: plan.mode === 'xrun' ? settled : undefined,
        signal: interrupts.first,
        onOutput: plan.mode === 'run' ? (chunk) => live?.output(chunk) : undefined,
        onChange: (invocations) => {
          const { done, failed } = progressCounts(invocations, settled);
          live?.progress(done, failed);
        },
      });
    } catch (error) {
      if (interrupts.fired) await cancelAfterInterrupt(deps, plan, task, interrupts, live);
      throw error;
    }
    const failure = report(deps, plan, final, live);
    if (failure) throw new OctlError(failure);
  } finally {
    interrupts.dispose();
  }
}

function liveOutputFor(deps: RunDeps, plan: CmdPlan, task: TaskDetail): LiveOutput {
  const total = task.invocations.length;
  return new LiveOutput(deps.terminal, {
    total,
    progress: deps.terminal.isTTY && total > PROGRESS_MIN_NODES,
    doneWord: plan.mode === 'xrun' ? 'loaded' : 'done',
    now: deps.now,
  });
}
