/** A node's part in a rollout. */
export type RolloutNodeState = 'pending' | 'upgrading' | 'confirmed' | 'failed' | 'skipped';
export type WaveState = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';

export interface RolloutNode {
  node: string;
  state: RolloutNodeState;
  /** Why it failed, or what pakma said last. */
  detail?: string;
}

export interface RolloutWave {
  state: WaveState;
  nodes: RolloutNode[];
}

/** A wave size: a count of nodes, a percentage of all of them, or `rest`. */
export type WaveSize = number | `${number}%` | 'rest';

export const DEFAULT_WAVES: WaveSize[] = [1, '10%', 'rest'];

/** The wave sizes of `1,10%,rest`, or why not. */
export function parseWaves(text: string | string[]): WaveSize[] {
  const parts = (Array.isArray(text) ? text : text.split(',')).map((part) => String(part).trim());
  if (parts.length === 0 || parts.some((part) => part === ''))
    throw new Error('waves: a comma-separated list such as 1,10%,rest');
  return parts.map((part) => {
    if (part === 'rest') return 'rest';
    if (/^\d+$/.test(part) && Number(part) > 0) return Number(part);
    if (/^\d+(\.\d+)?%$/.test(part) && Number(part.slice(0, -1)) > 0 && Number(part.slice(0, -1)) <= 100)
      return part as `${number}%`;
    throw new Error(`waves: "${part}" is not a count, a percentage (10%) or rest`);
  });
}

/**
 * Splits the nodes (sorted by name, so the canary is predictable) into waves: counts take that many, percentages
 * that share of all nodes (at least one), `rest` all that remain; whatever no wave takes goes in a last wave.
 * Empty waves are dropped.
 */
export function planWaves(nodes: string[], sizes: WaveSize[]): RolloutWave[] {
  const remaining = [...new Set(nodes)].sort();
  const total = remaining.length;
  const waves: RolloutWave[] = [];
  const take = (count: number) => {
    const picked = remaining.splice(0, count);
    if (picked.length > 0)
      waves.push({ state: 'pending', nodes: picked.map((node) => ({ node, state: 'pending' })) });
  };
  for (const size of sizes) {
    if (size === 'rest') take(remaining.length);
    else if (typeof size === 'number') take(size);
    else take(Math.max(1, Math.ceil((total * Number(size.slice(0, -1))) / 100)));
  }
  take(remaining.length);
  return waves;
}
