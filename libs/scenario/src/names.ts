/** Longest scenario or app name: `<app>@<scenario>` must stay a valid directory name (255 bytes) on every node. */
export const MAX_NAME_LENGTH = 100;

const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** What is wrong with a scenario or app name, or undefined when it is fine. */
export function nameProblem(name: string): string | undefined {
  if (!PLAIN_NAME.test(name)) return `"${name}" must use letters, digits, ".", "_" and "-"`;
  if (name.length > MAX_NAME_LENGTH)
    return `"${name.slice(0, 20)}…" is longer than ${MAX_NAME_LENGTH} characters`;
  return undefined;
}
