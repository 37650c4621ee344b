import type { TaskOutputChunk } from '@octopod/sdk';
import type { Terminal } from '../../context';

/** Fan-outs above this many nodes get a progress line (on a terminal). */
export const PROGRESS_MIN_NODES = 20;
/** Redraw the progress line at most this often; a fan-out to thousands of nodes would otherwise flood the tty. */
const REDRAW_EVERY_MS = 100;
const CLEAR_LINE = '\r\u001b[K';

export interface LiveOutputOptions {
  total: number;
  /** Draw the one-line progress indicator. */
  progress: boolean;
  /** Word for a finished node in the progress line: `done`, or `loaded` for xrun. */
  doneWord?: string;
  now(): number;
}

/** `[node] text` for every line; a final line without a newline still gets one. */
export function prefixLines(node: string, text: string): string {
  if (text === '') return '';
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  return body
    .split('\n')
    .map((line) => `[${node}] ${line}\n`)
    .join('');
}

/**
 * Command output as it arrives, each line prefixed by its node; stdout to stdout, stderr to stderr. Chunks are
 * cut anywhere, so partial lines wait (per node and stream) until their newline or `finish()`. A progress line
 * (`12/100 done, 1 failed`) stays at the bottom of a terminal, cleared before output and drawn again after.
 */
export class LiveOutput {
  private readonly partial = new Map<string, { node: string; stream: 'stdout' | 'stderr'; text: string }>();
  private progressText = '';
  private shown = false;
  private lastDraw = -Infinity;
  private readonly streamed = new Set<string>();

  constructor(
    private readonly terminal: Terminal,
    private readonly options: LiveOutputOptions,
  ) {}

  /** Invocations whose output was shown live (their tails need not be printed again). */
  hasStreamed(invocationId: string): boolean {
    return this.streamed.has(invocationId);
  }

  output(chunk: TaskOutputChunk): void {
    if (chunk.data === '') return;
    this.streamed.add(chunk.invocationId);
    const key = `${chunk.invocationId}\u0000${chunk.stream}`;
    const pending = this.partial.get(key);
    const text = (pending?.text ?? '') + chunk.data;
    const cut = text.lastIndexOf('\n');
    if (cut === -1) {
      this.partial.set(key, { node: chunk.node, stream: chunk.stream, text });
      return;
    }
    this.partial.delete(key);
    if (cut < text.length - 1)
      this.partial.set(key, { node: chunk.node, stream: chunk.stream, text: text.slice(cut + 1) });
    this.print(chunk.stream, prefixLines(chunk.node, text.slice(0, cut + 1)));
  }

  /** Lines printed outside the stream (results of scripts, PIDs), kept clear of the progress line. */
  print(stream: 'stdout' | 'stderr', text: string): void {
    if (text === '') return;
    this.clear();
    if (stream === 'stdout') this.terminal.write(text);
    else this.terminal.writeErr(text);
    this.draw();
  }

  progress(done: number, failed: number): void {
    if (!this.options.progress) return;
    const word = this.options.doneWord ?? 'done';
    this.progressText = `${done}/${this.options.total} ${word}${failed ? `, ${failed} failed` : ''}`;
    const now = this.options.now();
    if (done < this.options.total && now - this.lastDraw < REDRAW_EVERY_MS) return;
    this.lastDraw = now;
    this.clear();
    this.draw();
  }

  /** Prints what is left of unfinished lines and removes the progress line. */
  finish(): void {
    const rest = [...this.partial.values()];
    this.partial.clear();
    for (const p of rest) this.print(p.stream, prefixLines(p.node, p.text));
    this.clear();
    this.progressText = '';
  }

  private clear(): void {
    if (!this.shown) return;
    this.terminal.write(CLEAR_LINE);
    this.shown = false;
  }

  private draw(): void {
    if (!this.progressText) return;
    this.terminal.write(this.progressText);
    this.shown = true;
  }
}
