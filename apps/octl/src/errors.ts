/** A failure octl reports as one line `octl: <message>` on stderr, exiting with `exitCode`. */
export class OctlError extends Error {
  override readonly name = 'OctlError';

  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Bad command line: exit status 2, like commander's own usage errors. */
export class UsageError extends OctlError {
  constructor(message: string) {
    super(message, 2);
  }
}
