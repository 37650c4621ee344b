import type { NodeStatus } from '@octopod/protocol';
import { readFile, statfs } from 'node:fs/promises';
import { cpus, freemem, totalmem, type CpuInfo } from 'node:os';
import {
  cpuPercent,
  formatLocalTime,
  meanLoad,
  parseMeminfo,
  totalCpuTimes,
  type CpuTimes,
} from './status-format';

/** Answers `status.get` for a node name; one source may serve many (simulated) nodes. */
export interface StatusSource {
  snapshot(name: string): Promise<NodeStatus>;
}

interface HostFigures {
  memUsed: number;
  memTotal: number;
  diskUsed: number;
  diskTotal: number;
}

export interface SamplerOptions {
  /** CPU sampling period, ms (Octopoda: 1 s). */
  intervalMs?: number;
  /** Samples averaged into cpuLoadLong (Octopoda: 10). */
  window?: number;
  /** Filesystem whose usage is reported (Octopoda: `/`). */
  diskPath?: string;
  /** Memory and disk figures are reused for this long, so a fan-out to many nodes reads /proc once. */
  hostCacheMs?: number;
  readCpus?: () => Pick<CpuInfo, 'model' | 'times'>[];
  now?: () => Date;
}

/**
 * Samples CPU load in the background and builds `NodeStatus` on demand (spec §6, without gopsutil). Spawns no
 * processes: the tentacle and the brain's own host both report through it without blocking their event loop.
 */
export class StatusSampler implements StatusSource {
  private readonly intervalMs: number;
  private readonly window: number;
  private readonly diskPath: string;
  private readonly hostCacheMs: number;
  private readonly readCpus: () => Pick<CpuInfo, 'model' | 'times'>[];
  private readonly now: () => Date;
  private readonly samples: number[] = [];
  private previous: CpuTimes;
  private timer: NodeJS.Timeout | undefined;
  private host: { at: number; figures: Promise<HostFigures> } | undefined;

  constructor(options: SamplerOptions = {}) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.window = options.window ?? 10;
    this.diskPath = options.diskPath ?? '/';
    this.hostCacheMs = options.hostCacheMs ?? 1000;
    this.readCpus = options.readCpus ?? cpus;
    this.now = options.now ?? (() => new Date());
    this.previous = totalCpuTimes(this.readCpus());
  }

  start(): this {
    if (!this.timer) {
      this.timer = setInterval(() => this.sample(), this.intervalMs);
      this.timer.unref();
    }
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Takes one CPU sample: the busy share since the previous one. */
  sample(): number {
    const current = totalCpuTimes(this.readCpus());
    const load = cpuPercent(this.previous, current);
    this.previous = current;
    this.samples.push(load);
    if (this.samples.length > this.window) this.samples.shift();
    return load;
  }

  get cpuLoadShort(): number {
    return this.samples.at(-1) ?? 0;
  }

  get cpuLoadLong(): number {
    return meanLoad(this.samples);
  }

  async snapshot(name: string): Promise<NodeStatus> {
    const cpuList = this.readCpus();
    const figures = await this.hostFigures();
    return {
      name,
      platform: cpuList[0]?.model.trim() ?? 'unknown',
      cpuCores: cpuList.length,
      localTime: formatLocalTime(this.now()),
      cpuLoadShort: round2(this.cpuLoadShort),
      cpuLoadLong: round2(this.cpuLoadLong),
      ...figures,
    };
  }

  private hostFigures(): Promise<HostFigures> {
    const at = Date.now();
    if (!this.host || at - this.host.at > this.hostCacheMs) {
      const figures = Promise.all([readMemory(), readDisk(this.diskPath)]).then(([memory, disk]) => ({
        ...memory,
        ...disk,
      }));
      this.host = { at, figures };
      figures.catch(() => (this.host = undefined));
    }
    return this.host.figures;
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

async function readMemory(): Promise<{ memUsed: number; memTotal: number }> {
  try {
    const parsed = parseMeminfo(await readFile('/proc/meminfo', 'utf8'));
    if (parsed) return { memUsed: parsed.used, memTotal: parsed.total };
  } catch {
    // Not Linux (or /proc hidden): fall back to what Node knows.
  }
  const total = totalmem();
  return { memUsed: Math.max(0, total - freemem()), memTotal: total };
}

async function readDisk(path: string): Promise<{ diskUsed: number; diskTotal: number }> {
  try {
    const stats = await statfs(path);
    return { diskUsed: (stats.blocks - stats.bfree) * stats.bsize, diskTotal: stats.blocks * stats.bsize };
  } catch {
    return { diskUsed: 0, diskTotal: 0 };
  }
}
