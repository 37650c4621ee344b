import type { Invocation, TransferProgress } from '@octopod/sdk';
import { MultiBar, type Params, type SingleBar } from 'cli-progress';
import type { Terminal } from '../../context';
import { isTerminal } from '../cmd/execution-result';
import { PROGRESS_MIN_NODES } from '../cmd/live-output';

/** What a transfer shows while it runs. */
export interface TransferView {
  /** Bytes between octl and the brain: `upload` or `download`. */
  local(label: string, bytes: number, total: number): void;
  /** The nodes' transfers (each invocation change, all of them). */
  nodes(invocations: readonly Invocation[]): void;
  /** A node's transfer moved on (the brain's `progress` events). */
  nodeProgress(progress: TransferProgress): void;
  /** Removes the bars, so what is printed next starts on a clean line. */
  stop(): void;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `512 B`, `1.5 MiB`: binary units, one decimal from KiB on. */
export function bytesText(bytes: number): string {
  if (!Number.isFinite(bytes)) return '?';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** What the state column says for a node's invocation. */
function stateText(invocation: Invocation): string {
  if (invocation.state === 'success') return 'done';
  return invocation.state.replace(/_/g, ' ');
}

const BAR_WIDTH = 20;
const LABEL_WIDTH = 14;

interface Payload {
  label: string;
  state: string;
  rate: number;
}

/** One line: `pi-1  [#####-----]  45%  12.0 MiB/26.7 MiB  3.2 MiB/s  running`. */
function barLine(params: Params, payload: Payload): string {
  const fraction = params.total > 0 ? Math.min(1, params.value / params.total) : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  const label =
    payload.label.length > LABEL_WIDTH ? `${payload.label.slice(0, LABEL_WIDTH - 1)}…` : payload.label;
  return [
    label.padEnd(LABEL_WIDTH),
    `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`,
    `${Math.floor(fraction * 100)}%`.padStart(4),
    // A total of 0 is one not known yet (a pull, before the node has said how big it is).
    `${bytesText(params.value)}/${params.total > 0 ? bytesText(params.total) : '?'}`.padEnd(19),
    `${bytesText(payload.rate)}/s`.padStart(11),
    payload.state,
  ].join(' ');
}

/** A bar with its rate, measured from the first bytes it saw. */
class RatedBar {
  private first: { at: number; bytes: number } | undefined;
  private payload: Payload;

  constructor(
    private readonly bar: SingleBar,
    label: string,
    private readonly now: () => number,
  ) {
    this.payload = { label, state: '', rate: 0 };
  }

  progress(bytes: number, total: number): void {
    const at = this.now();
    this.first ??= { at, bytes };
    const seconds = (at - this.first.at) / 1000;
    const rate = seconds > 0 ? (bytes - this.first.bytes) / seconds : this.payload.rate;
    if (Number.isFinite(total)) this.bar.setTotal(total);
    this.payload = { ...this.payload, rate };
    this.bar.update(bytes, this.payload);
  }

  state(state: string): void {
    if (state === this.payload.state) return;
    this.payload = { ...this.payload, state };
    this.bar.update(this.payload);
  }
}

/**
 * Bars on a terminal (cli-progress): the local transfer, then one per node; above PROGRESS_MIN_NODES nodes, one bar
 * for all of them (bytes summed) whose state counts the finished ones.
 */
class BarsView implements TransferView {
  private readonly multi: MultiBar;
  private started = false;
  private readonly bars = new Map<string, RatedBar>();
  private readonly sent = new Map<string, { bytes: number; total: number }>();
  private nodeCount = 0;

  constructor(
    terminal: Terminal,
    private readonly now: () => number,
    private readonly nodeTotal: number,
  ) {
    // cli-progress draws with readline's cursor moves: it needs a stream that says it is a terminal.
    const stream = { isTTY: true, columns: 120, write: (text: string) => (terminal.write(text), true) };
    this.multi = new MultiBar({
      stream: stream as unknown as NodeJS.WritableStream,
      clearOnComplete: true,
      fps: 8,
      format: (_options, params, payload: Payload) => barLine(params, payload),
    });
  }

  local(label: string, bytes: number, total: number): void {
    this.bar(label, total).progress(bytes, total);
    if (bytes === total) this.bar(label, total).state('done');
  }

  nodes(invocations: readonly Invocation[]): void {
    this.nodeCount = invocations.length;
    if (this.grouped) {
      const done = invocations.filter(isTerminal);
      const failed = done.filter((i) => i.state !== 'success').length;
      this.nodesBar().state(`${done.length}/${invocations.length} done${failed ? `, ${failed} failed` : ''}`);
      return;
    }
    for (const invocation of [...invocations].sort((a, b) => (a.node < b.node ? -1 : 1)))
      this.bar(invocation.node, this.nodeTotal).state(stateText(invocation));
  }

  nodeProgress(progress: TransferProgress): void {
    if (!this.grouped)
      return this.bar(progress.node, progress.total).progress(progress.bytes, progress.total);
    this.sent.set(progress.node, { bytes: progress.bytes, total: progress.total });
    let bytes = 0;
    for (const node of this.sent.values()) bytes += node.bytes;
    this.nodesBar().progress(bytes, this.nodeTotal * this.nodeCount);
  }

  stop(): void {
    if (this.started) this.multi.stop();
    this.started = false;
  }

  private get grouped(): boolean {
    return this.nodeCount > PROGRESS_MIN_NODES;
  }

  private nodesBar(): RatedBar {
    return this.bar(`${this.nodeCount} nodes`, this.nodeTotal * this.nodeCount);
  }

  private bar(label: string, total: number): RatedBar {
    let bar = this.bars.get(label);
    if (!bar) {
      this.started = true;
      const payload: Payload = { label, state: '', rate: 0 };
      bar = new RatedBar(this.multi.create(Number.isFinite(total) ? total : 0, 0, payload), label, this.now);
      this.bars.set(label, bar);
    }
    return bar;
  }
}

/** Not a terminal: a line per node as it finishes, on stderr (stdout keeps the results for scripts). */
class LinesView implements TransferView {
  private readonly told = new Set<string>();

  constructor(private readonly terminal: Terminal) {}

  local(): void {}

  nodeProgress(): void {}

  nodes(invocations: readonly Invocation[]): void {
    for (const invocation of invocations) {
      if (!isTerminal(invocation) || this.told.has(invocation.id)) continue;
      this.told.add(invocation.id);
      const reason =
        invocation.state === 'success' ? 'OK' : `${stateText(invocation)}: ${invocation.error ?? ''}`;
      this.terminal.writeErr(`[${invocation.node}] ${reason.replace(/: $/, '')}\n`);
    }
  }

  stop(): void {}
}

const QUIET: TransferView = { local() {}, nodes() {}, nodeProgress() {}, stop() {} };

export interface TransferViewOptions {
  now(): number;
  /** Bytes each node receives (push), or 0 when unknown yet (pull). */
  nodeTotal: number;
  /** Off a terminal, print a line per finished node. */
  nodeLines: boolean;
}

export function transferView(terminal: Terminal, options: TransferViewOptions): TransferView {
  if (terminal.isTTY) return new BarsView(terminal, options.now, options.nodeTotal);
  return options.nodeLines ? new LinesView(terminal) : QUIET;
}
