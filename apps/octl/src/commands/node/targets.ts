/** Octopoda's spellings of "every node of the current group". */
const EVERYTHING = new Set(['ALL', '@', '@ALL', '@all']);

/** Targets naming one node (not a group, not "everything"): octl is strict about these, lenient about groups. */
export function namedNodes(targets: readonly string[]): Set<string> {
  return new Set(targets.filter((t) => !t.startsWith('@') && !EVERYTHING.has(t)));
}

export const TARGETS_HELP = 'node names, @group, or ALL';
