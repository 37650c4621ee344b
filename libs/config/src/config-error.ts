/** A bad or unreadable configuration; `issues` holds one readable line per bad field. */
export class ConfigError extends Error {
  readonly code = 'config_invalid';

  constructor(
    /** The program whose configuration this is; it names the error's first line. */
    readonly app: string,
    readonly issues: string[],
  ) {
    super(`invalid ${app} configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}
