import { describe, expect, it } from 'vitest';
import { registrationEntries } from './registration.service';

describe('name server registration', () => {
  it("registers Octopoda's entry names as addr entries", () => {
    const entries = registrationEntries('lab', '10.0.0.1:3457', '10.0.0.1:12345', 5000);
    expect(entries.map((e) => [e.key, e.value, e.type])).toEqual([
      ['lab.tentacleFace.heartbeat', '10.0.0.1:3457', 'addr'],
      ['lab.tentacleFace.message', '10.0.0.1:3457', 'addr'],
      ['lab.octlFace.request', '10.0.0.1:12345', 'addr'],
    ]);
    expect(entries.every((e) => e.ttl === 5000)).toBe(true);
  });
});
