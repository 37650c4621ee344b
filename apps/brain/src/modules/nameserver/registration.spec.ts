import { describe, expect, it } from 'vitest';
import { registrationEntries } from './registration.service';

describe('name server registration', () => {
  it("registers Octopoda's entry names as addr entries", () => {
    const addrs = { gateway: '10.0.0.1:3457', api: '10.0.0.1:12345', proxylite: '10.0.0.1:9998' };
    const entries = registrationEntries('lab', addrs, 5000);
    expect(entries.map((e) => [e.key, e.value, e.type])).toEqual([
      ['lab.tentacleFace.heartbeat', '10.0.0.1:3457', 'addr'],
      ['lab.tentacleFace.message', '10.0.0.1:3457', 'addr'],
      ['lab.octlFace.request', '10.0.0.1:12345', 'addr'],
      ['lab.proxyliteFace', '10.0.0.1:9998', 'addr'],
    ]);
    expect(entries.every((e) => e.ttl === 5000)).toBe(true);
  });
});
