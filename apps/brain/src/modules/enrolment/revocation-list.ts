/** Serial numbers as hex without leading zeros, lower case (node:tls and X509Certificate print them differently). */
export function normalizeSerial(serial: string): string {
  return serial
    .toLowerCase()
    .replace(/:/g, '')
    .replace(/^0+(?=.)/, '');
}

export interface RevocationRow {
  node: string;
  revokedAt: Date;
}

export interface CertificateRow {
  node: string;
  serial: string;
  issuedAt: Date;
  revokedAt: Date | null;
}

/**
 * Which node certificates the gateway refuses, in memory so the check at every upgrade costs two map lookups: a
 * revoked node's certificates are all refused except those the brain signed for it after the revocation.
 */
export class RevocationList {
  private readonly revokedAt = new Map<string, number>();
  /** Per node, certificates the brain signed (serial -> when); only those after a revocation matter. */
  private readonly signed = new Map<string, Map<string, number>>();

  load(revocations: RevocationRow[], certificates: CertificateRow[]): void {
    this.revokedAt.clear();
    this.signed.clear();
    for (const row of revocations) this.revokedAt.set(row.node, row.revokedAt.getTime());
    for (const row of certificates) if (!row.revokedAt) this.issued(row.node, row.serial, row.issuedAt);
  }

  get size(): number {
    return this.revokedAt.size;
  }

  /** From `at` on, no certificate of `node` signed until then is accepted. */
  revoked(node: string, at: Date): void {
    const time = Math.max(at.getTime(), this.revokedAt.get(node) ?? 0);
    this.revokedAt.set(node, time);
    const serials = this.signed.get(node);
    for (const [serial, signedAt] of serials ?? []) if (signedAt <= time) serials?.delete(serial);
  }

  /**
   * A certificate the brain signed for `node` at `at`: accepted after the node's revocation only if signed later.
   * Kept even when the node is not revoked (yet), so news of a revocation and an enrolment may come in any order.
   */
  issued(node: string, serial: string, at: Date): void {
    const revokedAt = this.revokedAt.get(node);
    if (revokedAt !== undefined && at.getTime() <= revokedAt) return;
    let serials = this.signed.get(node);
    if (!serials) this.signed.set(node, (serials = new Map()));
    serials.set(normalizeSerial(serial), at.getTime());
  }

  isRevoked(node: string): boolean {
    return this.revokedAt.has(node);
  }

  /** True when the gateway must refuse this certificate. */
  refuses(node: string, serial: string): boolean {
    if (!this.revokedAt.has(node)) return false;
    return !this.signed.get(node)?.has(normalizeSerial(serial));
  }
}
