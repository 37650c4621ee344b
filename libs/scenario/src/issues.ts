/** One thing wrong with a scenario folder, located as precisely as the files allow. */
export interface ScenarioIssue {
  /** File name relative to the scenario folder (`deployment.yaml`, `alias.yaml`). */
  file: string;
  /** 1-based line, when the problem is at a place in the file. */
  line: number | null;
  /** Dotted path of the field, e.g. `applications[1].script[0].file`; '' for the file itself. */
  field: string;
  message: string;
}

export function formatIssue(issue: ScenarioIssue): string {
  const where = issue.line === null ? issue.file : `${issue.file}:${issue.line}`;
  return issue.field ? `${where}: ${issue.field}: ${issue.message}` : `${where}: ${issue.message}`;
}

/** A scenario folder that cannot be applied; `issues` lists every problem found, not only the first. */
export class ScenarioError extends Error {
  constructor(readonly issues: ScenarioIssue[]) {
    super(`the scenario is not valid:\n${issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`);
    this.name = 'ScenarioError';
  }
}
