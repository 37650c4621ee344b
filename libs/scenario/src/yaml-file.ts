import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { ScenarioIssue } from './issues';

export type FieldPath = Array<string | number>;

/** A parsed YAML file that can say on which line a field is, for error messages. */
export class YamlFile {
  private constructor(
    readonly file: string,
    readonly value: unknown,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Parses `text`; syntax errors become issues (and `value` is then undefined). */
  static parse(file: string, text: string, issues: ScenarioIssue[]): YamlFile {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
    for (const error of doc.errors) {
      const line = lines.linePos(error.pos[0]).line;
      issues.push({ file, line, field: '', message: `not valid YAML: ${error.message.split('\n')[0]}` });
    }
    return new YamlFile(file, doc.errors.length ? undefined : doc.toJS(), doc, lines);
  }

  /** 1-based line of the field at `path` (its key's line for a mapping entry), or of its nearest parent. */
  lineOf(path: FieldPath): number | null {
    let node: unknown = this.doc.contents;
    let line = this.lineAt(node);
    for (const part of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && item.key.value === part);
        if (!pair) break;
        line = this.lineAt(pair.key) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof part === 'number' && node.items[part]) {
        node = node.items[part];
        line = this.lineAt(node) ?? line;
      } else break;
    }
    return line;
  }

  issue(path: FieldPath, message: string): ScenarioIssue {
    return { file: this.file, line: this.lineOf(path), field: fieldName(path), message };
  }

  private lineAt(node: unknown): number | null {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? this.lines.linePos(range[0]).line : null;
  }
}

export function fieldName(path: FieldPath): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}
