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
  private readonly allowed = new Map<string, Set<string>>();

  load(revocations: RevocationRow[], certificates: CertificateRow[]): void {
    this.revokedAt.clear();
    this.allowed.clear();
    for (const row of revocations) this.revokedAt.set(row.node, row.revokedAt.getTime());
    for (const row of certificates) if (!row.revokedAt) this.issued(row.node, row.serial, row.issuedAt);
  }

  get size(): number {
    return this.revokedAt.size;
  }

  /** From `at` on, no certificate of `node` is accepted until a new one is issued. */
  revoked(node: string, at: Date): void {
    this.revokedAt.set(node, at.getTime());
    this.allowed.delete(node);
  }

  /** A certificate the brain signed for `node` at `at`: accepted if that is after the node's revocation. */
  issued(node: string, serial: string, at: Date): void {
    const revokedAt = this.revokedAt.get(node);
    if (revokedAt === undefined || at.getTime() <= revokedAt) return;
    let serials = this.allowed.get(node);
    if (!serials) this.allowed.set(node, (serials = new Set()));
    serials.add(normalizeSerial(serial));
  }

  isRevoked(node: string): boolean {
    return this.revokedAt.has(node);
  }

  /** True when the gateway must refuse this certificate. */
  refuses(node: string, serial: string): boolean {
    if (!this.revokedAt.has(node)) return false;
    return !this.allowed.get(node)?.has(normalizeSerial(serial));
  }
}
