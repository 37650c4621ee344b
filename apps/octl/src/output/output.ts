import { stringify } from 'yaml';
import { UsageError } from '../errors';

export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** What a command shows: `data` for json/yaml, `table()` for people. */
export interface View {
  data: unknown;
  table(): string;
}

/** Where command handlers send their results. */
export interface OutputSink {
  print(view: View): void;
}

/** `-o` wins; otherwise a table for a terminal and JSON for pipes and files. */
export function selectFormat(flag: string | undefined, stdoutIsTty: boolean): OutputFormat {
  if (flag === undefined) return stdoutIsTty ? 'table' : 'json';
  const format = flag.toLowerCase();
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown output format "${flag}" (use one of: ${OUTPUT_FORMATS.join(', ')})`);
  }
  return format as OutputFormat;
}

export function renderView(view: View, format: OutputFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(view.data, null, 2)}\n`;
    case 'yaml':
      return stringify(view.data);
    case 'table': {
      const text = view.table();
      return text.endsWith('\n') || text === '' ? text : `${text}\n`;
    }
  }
}

export function createOutput(format: OutputFormat, write: (text: string) => void): OutputSink {
  return { print: (view) => write(renderView(view, format)) };
}
