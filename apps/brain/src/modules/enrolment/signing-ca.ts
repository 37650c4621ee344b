import { Inject, Injectable } from '@nestjs/common';
import {
  certificateFingerprint,
  describeCertificate,
  signClientCsr,
  type CertificateSummary,
} from '@octopod/pki';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BRAIN_CONFIG } from '../../core/config/config.tokens';
import type { BrainConfig } from '../../core/config/brain-config';
import { ApiError } from '../../core/http/api-error';

export interface SignedNodeCertificate {
  certPem: string;
  summary: CertificateSummary;
  /** When the brain signed it (the certificate's notBefore is set a little earlier for clock skew). */
  signedAt: Date;
}

function readPem(field: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`ssl.${field}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

/**
 * The brain's CA as an issuer of node certificates. The CA certificate is always known (its fingerprint goes into
 * join tokens); the key only when `ssl.caKey` is set — without it the brain cannot enrol anyone.
 */
@Injectable()
export class SigningCa {
  readonly certPem: string;
  readonly fingerprint: string;
  private readonly keyPem: string | undefined;

  constructor(@Inject(BRAIN_CONFIG) config: BrainConfig) {
    this.certPem = readPem('caCert', config.ssl.caCert);
    this.fingerprint = certificateFingerprint(this.certPem);
    if (config.ssl.caKey) {
      this.keyPem = readPem('caKey', config.ssl.caKey);
      // A key of another CA would sign certificates nothing accepts: say so at start, not at the first enrolment.
      const fromKey = createPublicKey(this.keyPem).export({ type: 'spki', format: 'der' });
      const fromCert = new X509Certificate(this.certPem).publicKey.export({ type: 'spki', format: 'der' });
      if (!fromKey.equals(fromCert)) {
        throw new Error(`ssl.caKey: ${config.ssl.caKey} is not the key of the CA in ${config.ssl.caCert}`);
      }
    }
  }

  get enabled(): boolean {
    return this.keyPem !== undefined;
  }

  /** Throws the API's 503 when enrolment is not configured. */
  requireEnabled(): void {
    if (!this.enabled) {
      throw new ApiError(
        503,
        'enrolment_disabled',
        "enrolment is disabled: this brain has no CA key (set ssl.caKey in brain.yaml); until then issue node certificates with 'octl pki client <name> --role node'",
      );
    }
  }

  signNode(csrPem: string, name: string): SignedNodeCertificate {
    this.requireEnabled();
    const signedAt = new Date();
    const certPem = signClientCsr({ certPem: this.certPem, keyPem: this.keyPem as string }, csrPem, {
      commonName: name,
      role: 'node',
    });
    return { certPem, summary: describeCertificate(certPem), signedAt };
  }
}
