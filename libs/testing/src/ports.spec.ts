import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, freePorts } from './ports';

describe('freePort', () => {
  it('hands out distinct ports below the ephemeral range, so outgoing sockets cannot take them', async () => {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const ports = await freePorts(20);
    expect(new Set(ports).size).toBe(20);
    for (const port of ports) expect(port).toBeLessThan(Number(low));
  });

  it('skips a port that is already taken', async () => {
    const first = await freePort();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(first + 1, '127.0.0.1', resolve));
    try {
      const ports = await freePorts(5);
      expect(ports).not.toContain(first + 1);
    } finally {
      holder.close();
    }
  });
});
