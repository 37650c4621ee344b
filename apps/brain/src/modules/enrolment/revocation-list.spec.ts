import { describe, expect, it } from 'vitest';
import { normalizeSerial, RevocationList } from './revocation-list';

const at = (ms: number) => new Date(ms);

describe('revocation list', () => {
  it('accepts every certificate of a node that was never revoked', () => {
    const list = new RevocationList();
    expect(list.refuses('pi-1', 'abc')).toBe(false);
  });

  it('refuses every certificate of a revoked node, then accepts one issued after the revocation', () => {
    const list = new RevocationList();
    list.issued('pi-1', 'aa01', at(1000));
    list.revoked('pi-1', at(2000));
    expect(list.refuses('pi-1', 'aa01')).toBe(true);
    expect(list.refuses('pi-1', 'bb02')).toBe(true);
    expect(list.refuses('pi-2', 'bb02')).toBe(false);

    list.issued('pi-1', 'bb02', at(1500)); // signed before the revocation (a racing enrolment)
    expect(list.refuses('pi-1', 'bb02')).toBe(true);
    list.issued('pi-1', 'CC03', at(3000));
    expect(list.refuses('pi-1', 'cc03')).toBe(false);
    expect(list.refuses('pi-1', 'aa01')).toBe(true);

    list.revoked('pi-1', at(4000)); // revoked again: the re-enrolled certificate goes too
    expect(list.refuses('pi-1', 'cc03')).toBe(true);
  });

  it('gives the same answer whichever order news of a revocation and an enrolment arrive in', () => {
    const enrolFirst = new RevocationList();
    enrolFirst.issued('pi-1', 'dd04', at(3000));
    enrolFirst.revoked('pi-1', at(2000));
    const revokeFirst = new RevocationList();
    revokeFirst.revoked('pi-1', at(2000));
    revokeFirst.issued('pi-1', 'dd04', at(3000));
    for (const list of [enrolFirst, revokeFirst]) {
      expect(list.refuses('pi-1', 'dd04')).toBe(false);
      expect(list.refuses('pi-1', 'ee05')).toBe(true);
    }
    // An older revocation arriving late does not move the revocation back.
    revokeFirst.revoked('pi-1', at(1000));
    expect(revokeFirst.refuses('pi-1', 'dd04')).toBe(false);
  });

  it('loads revocations and the unrevoked certificates signed after them', () => {
    const list = new RevocationList();
    list.load(
      [{ node: 'pi-1', revokedAt: at(2000) }],
      [
        { node: 'pi-1', serial: '01', issuedAt: at(1000), revokedAt: at(2000) },
        { node: 'pi-1', serial: '02', issuedAt: at(3000), revokedAt: null },
        { node: 'pi-3', serial: '03', issuedAt: at(3000), revokedAt: null },
      ],
    );
    expect(list.size).toBe(1);
    expect(list.isRevoked('pi-1')).toBe(true);
    expect(list.refuses('pi-1', '01')).toBe(true);
    expect(list.refuses('pi-1', '02')).toBe(false);
    expect(list.refuses('pi-3', '99')).toBe(false);
  });

  it('compares serials however node:tls or X509Certificate print them', () => {
    expect(normalizeSerial('0A1B')).toBe('a1b');
    expect(normalizeSerial('0a:1b')).toBe('a1b');
    expect(normalizeSerial('00')).toBe('0');
  });
});
