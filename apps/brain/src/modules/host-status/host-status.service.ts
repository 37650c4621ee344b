import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { NodeStatus } from '@octopod/protocol';
import si from 'systeminformation';

const SAMPLE_INTERVAL_MS = 1_000;
const LONG_WINDOW = 10;

/** Rfc3339 with the host's UTC offset, as Go's time.Time marshals. */
export function rfc3339Local(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const pad = (n: number, width = 2) => String(Math.trunc(Math.abs(n))).padStart(width, '0');
  const local = new Date(date.getTime() + offset * 60_000);
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T` +
    `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.${pad(local.getUTCMilliseconds(), 3)}` +
    `${sign}${pad(offset / 60)}:${pad(offset % 60)}`
  );
}

/** The brain's own host, reported as node `brain` (reference spec §6). */
@Injectable()
export class HostStatusService implements OnModuleInit, OnModuleDestroy {
  private readonly loads: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private platform = '';
  private cores = 0;

  async onModuleInit(): Promise<void> {
    const cpu = await si.cpu();
    this.platform = `${cpu.manufacturer} ${cpu.brand}`.trim();
    this.cores = cpu.cores;
    await si.currentLoad(); // primes the delta
    this.timer = setInterval(() => void this.sample(), SAMPLE_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async sample(): Promise<void> {
    const load = await si.currentLoad();
    this.loads.push(load.currentLoad);
    if (this.loads.length > LONG_WINDOW) this.loads.shift();
  }

  async status(name: string): Promise<NodeStatus> {
    const [mem, disks] = await Promise.all([si.mem(), si.fsSize('/')]);
    const root = disks.find((disk) => disk.mount === '/') ?? disks[0];
    const short = this.loads.at(-1) ?? 0;
    const long = this.loads.length ? this.loads.reduce((a, b) => a + b, 0) / this.loads.length : 0;
    return {
      name,
      platform: this.platform,
      cpuCores: this.cores,
      localTime: rfc3339Local(new Date()),
      cpuLoadShort: short,
      cpuLoadLong: long,
      memUsed: mem.total - mem.available,
      memTotal: mem.total,
      diskUsed: root?.used ?? 0,
      diskTotal: root?.size ?? 0,
    };
  }
}
