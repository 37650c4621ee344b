import { askPakma } from '@octopod/host';
import type { PakmaCommand, PakmaResult } from '@octopod/protocol';

/** What the `pakma.command` handler calls: this host's pakma, asked over loopback HTTP. */
export interface PakmaService {
  ask(command: PakmaCommand): Promise<PakmaResult>;
}

/** For tests of the link alone: no pakma to ask. */
export const noPakma: PakmaService = {
  ask: async () => ({ status: 0, body: 'Pakma request error: this tentacle has no pakma' }),
};

/** The pakma at `host:port` (Octopoda: 127.0.0.1:3450). */
export function localPakma(at: { host: string; port: number }): PakmaService {
  return { ask: (command) => askPakma(at, command) };
}
