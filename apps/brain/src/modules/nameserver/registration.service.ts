import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { BRAIN_CONFIG } from '../../core/config/config.tokens';
import type { BrainConfig } from '../../core/config/brain-config';
import { NameServerClient, type NameEntry } from './nameserver.client';

/** "ip:port" of what the brain serves. */
export interface BrainAddresses {
  gateway: string;
  api: string;
  /** Octopoda's proxylite face (`octl ssh ls`). */
  proxylite?: string;
}

/** Entry names other components look up (Octopoda's, reference spec §1.3). */
export function registrationEntries(brainName: string, addrs: BrainAddresses, ttlMs: number): NameEntry[] {
  const entry = (key: string, value: string, description: string): NameEntry => ({
    key,
    type: 'addr',
    value,
    description,
    ttl: ttlMs,
  });
  return [
    entry(`${brainName}.tentacleFace.heartbeat`, addrs.gateway, 'tentacle gateway (wss)'),
    entry(`${brainName}.tentacleFace.message`, addrs.gateway, 'tentacle gateway (wss)'),
    entry(`${brainName}.octlFace.request`, addrs.api, 'brain API (https)'),
    ...(addrs.proxylite
      ? [entry(`${brainName}.proxyliteFace`, addrs.proxylite, 'ssh service list (proxylite, tcp)')]
      : []),
  ];
}

/**
 * Keeps this brain's addresses in the name server: registers every `requestInterval` seconds with a TTL of a
 * few intervals, so the entries vanish soon after the brain does.
 */
@Injectable()
export class RegistrationService implements OnApplicationShutdown {
  private readonly logger = new Logger('nameserver');
  private client: NameServerClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failing = false;

  constructor(@Inject(BRAIN_CONFIG) private readonly config: BrainConfig) {}

  async start(addrs: BrainAddresses): Promise<void> {
    const ns = this.config.httpsNameServer;
    if (!ns.enable) return;
    const { ssl } = this.config;
    this.client = new NameServerClient(ns.host, ns.port, {
      caCert: ssl.caCert,
      clientCert: ssl.serverCert,
      clientKey: ssl.serverKey,
    });
    const intervalMs = ns.requestInterval * 1000;
    const entries = registrationEntries(this.config.name, addrs, Math.max(5_000, intervalMs * 5));
    await this.register(entries, true);
    this.timer = setInterval(() => void this.register(entries, false), intervalMs);
    this.timer.unref();
  }

  private async register(entries: NameEntry[], first: boolean): Promise<void> {
    try {
      await this.client?.register(entries);
      if (first || this.failing)
        this.logger.log({ entries: entries.map((e) => `${e.key}=${e.value}`) }, 'registered in name server');
      this.failing = false;
    } catch (error) {
      // Keep serving: tentacles that already know the address still reach us; retry on the next tick.
      if (!this.failing || first)
        this.logger.warn({ error: (error as Error).message }, 'name server registration failed');
      this.failing = true;
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.client?.close();
  }
}
