import type { ScenarioIssue } from './issues';
import type { YamlFile } from './yaml-file';

/** alias.yaml: alias name → nodes and `@other` aliases. */
export type Aliases = ReadonlyMap<string, string[]>;

/** Reads alias.yaml's mapping; bad entries become issues. */
export function readAliases(file: YamlFile | undefined, issues: ScenarioIssue[]): Aliases {
  const aliases = new Map<string, string[]>();
  if (!file || file.value === undefined || file.value === null) return aliases;
  if (typeof file.value !== 'object' || Array.isArray(file.value)) {
    issues.push(file.issue([], 'must map alias names to lists of nodes'));
    return aliases;
  }
  for (const [name, members] of Object.entries(file.value as Record<string, unknown>)) {
    if (!Array.isArray(members) || !members.every((m) => typeof m === 'string' && m !== '')) {
      issues.push(file.issue([name], 'must be a list of node names and @aliases'));
      continue;
    }
    aliases.set(name, members as string[]);
  }
  return aliases;
}

/**
 * Expands `@alias` references (recursively) into node names, in first-seen order without repeats. Unknown aliases
 * and loops (`a → b → a`) are errors naming the chain.
 */
export function expandNodes(
  entries: readonly string[],
  aliases: Aliases,
): { nodes: string[]; errors: string[] } {
  const nodes = new Set<string>();
  const errors: string[] = [];
  const visit = (entry: string, chain: string[]) => {
    if (!entry.startsWith('@')) return void nodes.add(entry);
    const name = entry.slice(1);
    if (chain.includes(name))
      return void errors.push(`alias loop: ${[...chain, name].map((a) => `@${a}`).join(' -> ')}`);
    const members = aliases.get(name);
    if (!members)
      return void errors.push(`unknown alias "@${name}" (alias.yaml defines ${aliasList(aliases)})`);
    for (const member of members) visit(member, [...chain, name]);
  };
  for (const entry of entries) visit(entry, []);
  return { nodes: [...nodes], errors: [...new Set(errors)] };
}

function aliasList(aliases: Aliases): string {
  return aliases.size ? [...aliases.keys()].map((a) => `@${a}`).join(', ') : 'none';
}
