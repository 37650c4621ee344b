import { oneLine } from '../task/task-text';
import type { ScenarioRun, ScenarioRunStep } from './scen-api';

type StepNode = ScenarioRunStep['nodes'][number];

/** Invocation states that are not an outcome yet. */
const UNDECIDED_NODE = new Set(['pending', 'delayed', 'running']);
const STEP_ENDED = new Set(['success', 'failed', 'skipped']);
/** Steps the brain does itself: they have no nodes. */
const BRAIN_STEPS = new Set(['record', 'forget']);
const HASH = /^[0-9a-f]{40}$/;
const ERROR_WIDTH = 160;

/** A script step is named by its target (`prepare`, `start`…), the others by their kind (`push`, `record`…). */
export function stepLabel(step: ScenarioRunStep): string {
  return step.kind === 'script' && step.target ? step.target : step.kind;
}

interface Columns {
  label: number;
  app: number;
  node: number;
}

const width = (texts: readonly string[]): number => Math.max(0, ...texts.map((t) => [...t].length));
const pad = (text: string, n: number): string => text + ' '.repeat(Math.max(0, n - [...text].length));
const appOf = (step: ScenarioRunStep): string => step.app ?? '-';

function columnsOf(run: ScenarioRun): Columns {
  return {
    label: width(run.steps.map(stepLabel)),
    app: width(run.steps.map(appOf)),
    node: width(['brain', ...run.steps.flatMap((s) => s.nodes.map((n) => n.node))]),
  };
}

function line(columns: Columns, step: ScenarioRunStep, node: string, outcome: string): string {
  const cells = [pad(stepLabel(step), columns.label), pad(appOf(step), columns.app), pad(node, columns.node)];
  return `  ${cells.join('  ')}  ${outcome}`;
}

/** `failed: <error>`, or the exit code when the node gave no error text. */
function nodeOutcome(node: StepNode): string {
  if (node.state === 'success') return 'success';
  if (node.error) return `${node.state}: ${oneLine(node.error, ERROR_WIDTH)}`;
  if (node.exitCode !== null && node.exitCode !== 0) return `${node.state}: exit code ${node.exitCode}`;
  return node.state;
}

/** The brain writes a failed task step's detail as `<node>: <error>; …`: no need to repeat what node lines said. */
function toldByNodes(detail: string, nodes: readonly StepNode[]): boolean {
  const told = new Set(nodes.filter((n) => n.error).map((n) => `${n.node}: ${n.error}`));
  return detail.split('; ').every((part) => told.has(part));
}

/** The line for a step that just ended, when its nodes' lines do not say it all. */
function stepEndLine(step: ScenarioRunStep, columns: Columns): string | undefined {
  const detail = step.detail ? `: ${oneLine(step.detail, ERROR_WIDTH)}` : '';
  if (BRAIN_STEPS.has(step.kind)) return line(columns, step, 'brain', `${step.state}${detail}`);
  if (step.state === 'skipped') return line(columns, step, '-', 'skipped');
  if (step.state !== 'failed') return undefined;
  if (step.detail && toldByNodes(step.detail, step.nodes)) return undefined;
  return line(columns, step, '-', `failed${detail}`);
}

function stepLines(before: ScenarioRunStep | undefined, step: ScenarioRunStep, columns: Columns): string[] {
  const lines: string[] = [];
  for (const node of step.nodes) {
    const was = before?.nodes.find((n) => n.node === node.node)?.state;
    if (node.state !== was && !UNDECIDED_NODE.has(node.state))
      lines.push(line(columns, step, node.node, nodeOutcome(node)));
  }
  if (STEP_ENDED.has(step.state) && step.state !== before?.state) {
    const end = stepEndLine(step, columns);
    if (end !== undefined) lines.push(end);
  }
  return lines;
}

function stagesOf(run: ScenarioRun): number[] {
  return [...new Set(run.steps.map((s) => s.stage))].sort((a, b) => a - b);
}

function runHeader(run: ScenarioRun): string {
  const stages = stagesOf(run).length;
  const message = run.message ? ` "${oneLine(run.message, 60)}"` : '';
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `run ${run.id}: ${run.scenario}, target ${run.target}${message} (${count(run.steps.length, 'step')} in ${count(stages, 'stage')})`;
}

function stageHeader(n: number, total: number, steps: readonly ScenarioRunStep[]): string {
  const names = [...new Set(steps.map((s) => (s.app ? `${stepLabel(s)} ${s.app}` : stepLabel(s))))];
  return `stage ${n}/${total}: ${names.join(', ')}`;
}

const started = (step: ScenarioRunStep | undefined): boolean =>
  step !== undefined && step.state !== 'pending';

/**
 * The progress lines for what changed between two snapshots of a run (`before` undefined: nothing shown yet): a
 * header for the run, one per stage as it starts, one per node as it settles (with its error), one per step the
 * node lines do not cover (brain steps with their detail, skipped steps, failures without a node's error).
 */
export function progressLines(before: ScenarioRun | undefined, after: ScenarioRun): string[] {
  const lines = before === undefined ? [runHeader(after)] : [];
  const columns = columnsOf(after);
  const previous = (step: ScenarioRunStep) => before?.steps.find((s) => s.index === step.index);
  const stages = stagesOf(after);
  stages.forEach((stage, n) => {
    const steps = after.steps.filter((s) => s.stage === stage).sort((a, b) => a.index - b.index);
    if (steps.some(started) && !steps.some((s) => started(previous(s))))
      lines.push(stageHeader(n + 1, stages.length, steps));
    for (const step of steps) lines.push(...stepLines(previous(step), step, columns));
  });
  return lines;
}

/** What the record steps say: the versions stored, or that nothing changed. */
export function recordedVersions(run: ScenarioRun): string[] {
  return run.steps
    .filter((s) => s.kind === 'record' && s.state === 'success' && s.detail)
    .map((s) => (HASH.test(s.detail!) ? `version ${s.detail}` : s.detail!));
}

/** The last lines: the outcome, then the versions recorded. */
export function summaryLines(run: ScenarioRun): string[] {
  const outcome =
    run.state === 'success'
      ? `run ${run.id}: success`
      : `run ${run.id}: ${run.state}${run.error ? `: ${run.error}` : ''}`;
  return [outcome, ...recordedVersions(run)];
}

/** A run as a whole: what following it from the start would have printed. */
export function runText(run: ScenarioRun): string {
  const lines = progressLines(undefined, run);
  return [...lines, ...(run.state === 'running' ? [] : summaryLines(run))].join('\n');
}
