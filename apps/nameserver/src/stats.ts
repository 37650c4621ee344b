export interface ApiStat {
  requests: number;
  success: number;
}

/** The `/summary` document, key spelling as in Octopoda. */
export interface Summary {
  total_request: number;
  since: number;
  api_stats: Record<string, ApiStat>;
}

/** Distinct `<path>[<METHOD>]` keys kept; later ones share one bucket so random paths cannot grow memory. */
const MAX_TRACKED_KEYS = 1000;
const OVERFLOW_PATH = '<other>';

/** Request counters shared by the HTTPS and HTTP servers. */
export class RequestStats {
  private total = 0;
  private readonly stats = new Map<string, ApiStat>();

  constructor(private readonly since: number = Date.now()) {}

  /** Counts a request as it arrives; call the returned function with the final status. */
  begin(path: string, method: string): (status: number) => void {
    const stat = this.statFor(path, method);
    stat.requests++;
    this.total++;
    return (status) => {
      if (status === 200) stat.success++;
    };
  }

  summary(): Summary {
    const apiStats: Record<string, ApiStat> = {};
    for (const [key, stat] of this.stats) apiStats[key] = { ...stat };
    return { total_request: this.total, since: this.since, api_stats: apiStats };
  }

  private statFor(path: string, method: string): ApiStat {
    let key = `${path}[${method}]`;
    let stat = this.stats.get(key);
    if (stat) return stat;
    if (this.stats.size >= MAX_TRACKED_KEYS) {
      key = `${OVERFLOW_PATH}[${method}]`;
      stat = this.stats.get(key);
      if (stat) return stat;
    }
    stat = { requests: 0, success: 0 };
    this.stats.set(key, stat);
    return stat;
  }
}
