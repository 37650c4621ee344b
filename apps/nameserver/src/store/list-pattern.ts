export const LIST_METHODS = ['prefix', 'suffix', 'contain', 'equal', 'all'] as const;
export type ListMethod = (typeof LIST_METHODS)[number];

export function isListMethod(method: string): method is ListMethod {
  return (LIST_METHODS as readonly string[]).includes(method);
}

/** Escapes Redis glob metacharacters so `text` only ever matches itself. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (char) => `\\${char}`);
}

/**
 * The SCAN MATCH pattern for a `/list` request under `keyNamespace` (e.g. `NameEntry:`).
 * Unlike Octopoda there is no leading `*`: `prefix` really means "starts with".
 */
export function buildListPattern(keyNamespace: string, method: ListMethod, match: string): string {
  const literal = escapeGlob(match);
  const tail = {
    prefix: `${literal}*`,
    suffix: `*${literal}`,
    contain: `*${literal}*`,
    equal: literal,
    all: '*',
  }[method];
  return escapeGlob(keyNamespace) + tail;
}
